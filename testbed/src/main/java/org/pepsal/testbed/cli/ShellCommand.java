package org.pepsal.testbed.cli;

import org.pepsal.testbed.shell.ShellSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code testbed shell SCENARIO [-- CMD...]}: a scenario's path kept up around one command (or an interactive
 * shell) in the client host, as Mahimahi's {@code mm-delay 300 -- CMD}. Its exit status is the command's.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "Build a scenario's topology, link and PEP, run CMD (default: an interactive shell) in the "
                + "client host with $TESTBED_SERVER and $TESTBED_CLIENT set, then tear everything down and print "
                + "the link's statistics. Ctrl-C or SIGTERM tears down too. Exit status: CMD's.")
public final class ShellCommand implements Callable<Integer> {
    @Mixin
    SessionOptions session;

    @Parameters(index = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        try (ShellSession shell = session.open(System.err)) {
            if (shell == null) {
                return 2;
            }
            System.err.print(shell.describe());
            return shell.runClient(command);
        }
    }
}
