package org.pepsal.testbed.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar testbed.jar}: the testbed's command line; each subcommand is one job. */
@Command(name = "testbed", mixinStandardHelpOptions = true,
        description = "Namespaces, emulated satellite links and experiments for PEPsal.",
        subcommands = {RunCommand.class, CalibrateCommand.class, CleanCommand.class, ValidateCommand.class, ListCommand.class,
                ReportCommand.class})
public final class TestbedCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TestbedCommand()).execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand");
    }
}
