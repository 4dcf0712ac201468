package org.pepsal.testbed.cli;

import org.pepsal.testbed.run.Failures;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar testbed.jar}: the testbed's command line; each subcommand is one job. An error a command did
 * not expect still ends with one clear line (what failed and why), and the stack trace only with {@code -v}.
 */
@Command(name = "testbed", mixinStandardHelpOptions = true,
        description = "Namespaces, emulated satellite links and experiments for PEPsal.",
        subcommands = {RunCommand.class, ShellCommand.class, UpCommand.class, DownCommand.class, CalibrateCommand.class,
                CleanCommand.class, ValidateCommand.class, ListCommand.class,
                ReportCommand.class})
public final class TestbedCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new TestbedCommand()).setExecutionExceptionHandler((error, command, parsed) -> {
            command.getErr().println("testbed " + command.getCommandName() + ": " + Failures.describe(error));
            if (verbose(parsed)) {
                error.printStackTrace(command.getErr());
            } else {
                command.getErr().println("(-v shows the stack trace, where the command has it)");
            }
            return 1;
        });
    }

    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand");
    }
}
