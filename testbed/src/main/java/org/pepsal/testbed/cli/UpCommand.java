package org.pepsal.testbed.cli;

import org.pepsal.testbed.shell.SessionFile;
import org.pepsal.testbed.shell.ShellSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code testbed up SCENARIO}: a scenario's path kept up until {@code testbed down} (or Ctrl-C, SIGTERM), for
 * sessions that outlive one command, as Mininet's CLI. It holds the session in the foreground (run it with
 * {@code &} to get the terminal back) and prints how to enter the client host and how to tear down.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Build a scenario's topology, link and PEP and keep them until `testbed down` or Ctrl-C; "
                + "prints how to enter the client host.")
public final class UpCommand implements Callable<Integer> {
    @Mixin
    SessionOptions session;

    @Override
    public Integer call() {
        ShellSession shell = session.open(System.err);
        if (shell == null) {
            return 2;
        }
        SessionFile.Entry entry = shell.register();
        System.out.print(shell.describe());
        System.out.println("enter the client host:  " + entry.enter());
        System.out.println("tear down:              " + self() + " down " + entry.prefix()
                + "   (or Ctrl-C here, or kill " + entry.pid() + ")");
        System.out.flush();
        // The session ends with the JVM: its teardown is registered with the topology's shutdown hook.
        ShellSession.awaitShutdown();
        return 0;
    }

    /** How this testbed is started: {@code java -jar PATH} from its jar, else {@code testbed}. */
    static String self() {
        try {
            Path location = Path.of(UpCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.toString().endsWith(".jar") ? "java -jar " + location : "testbed";
        } catch (Exception e) {
            return "testbed";
        }
    }
}
