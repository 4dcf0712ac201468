package org.pepsal.testbed.shell;

import org.pepsal.testbed.link.LinkBackend;
import org.pepsal.testbed.link.LinkStats;
import org.pepsal.testbed.run.PointEnvironment;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.topology.ManagedProcess;
import org.pepsal.testbed.topology.SatelliteTopology;
import org.pepsal.testbed.topology.Shell;
import org.pepsal.testbed.traffic.UserCommand;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One point's environment kept up around a user's programs, as Mahimahi's shells and Mininet's CLI do: the
 * topology, the calibrated link and the PEP(s) of {@link PointEnvironment}, an optional server command in the
 * server host, and a command (or an interactive shell) in the client host. Ending it — the command's exit,
 * {@link #close()}, or the JVM's shutdown on Ctrl-C or SIGTERM — stops the user's programs and the proxies,
 * prints the links' statistics, and tears the topology down; the teardown is registered with the topology, so
 * it runs first whichever way the session ends.
 */
public final class ShellSession implements AutoCloseable {
    private final Point point;
    private final PointEnvironment environment;
    private final Path dir;
    private final PrintStream console;
    private final Map<String, String> variables;
    private final Optional<LinkStats> satelliteBefore;
    private final Optional<LinkStats> terrestrialBefore;
    private final AtomicBoolean finished = new AtomicBoolean();
    private ManagedProcess server;
    private volatile Process client;
    private Path sessionFile;

    private ShellSession(Point point, PointEnvironment environment, Path dir, PrintStream console) {
        this.point = point;
        this.environment = environment;
        this.dir = dir;
        this.console = console;
        SatelliteTopology topology = environment.topology();
        this.variables = UserCommand.environment(topology.serverAddress(), topology.clientAddress());
        this.satelliteBefore = LinkStatsTable.read(topology.satelliteLink());
        this.terrestrialBefore = LinkStatsTable.read(topology.terrestrialLink());
    }

    /**
     * Builds the point's environment (its calibration table, the proxies' and the server's logs in {@code dir})
     * and starts {@code serverCommand} (null for none) in the server host.
     */
    public static ShellSession open(Point point, LinkBackend backend, boolean calibrate, Path dir, String serverCommand,
                                    PrintStream console) {
        console.printf("building %s (variant %s, mode %s) on the %s backend%s ...%n", point.scenario().name(),
                point.variant().id(), point.mode().name(), backend.name(), calibrate ? ", then calibrating" : "");
        PointEnvironment environment = PointEnvironment.build(point, backend, dir, calibrate);
        ShellSession session = new ShellSession(point, environment, dir, console);
        environment.topology().topology().onClose(session::finish);
        try {
            environment.calibration().ifPresent(report -> console.print("calibration:\n" + report.table()));
            if (serverCommand != null) {
                session.server = UserCommand.startServer(environment.topology().server(), session.variables,
                        serverCommand, dir.resolve("server.log"));
            }
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    public SatelliteTopology topology() {
        return environment.topology();
    }

    /** {@code TESTBED_SERVER} and {@code TESTBED_CLIENT}, as the user's commands see them. */
    public Map<String, String> variables() {
        return variables;
    }

    /** Where the session's addresses, namespaces and logs are, in a few lines. */
    public String describe() {
        SatelliteTopology topology = environment.topology();
        StringBuilder text = new StringBuilder();
        text.append(String.format("client %s in namespace %s; server %s in namespace %s%n", topology.clientAddress(),
                topology.client().namespace(), topology.serverAddress(), topology.server().namespace()));
        text.append(point.mode().runsPeps() ? "PEP running at " + String.join(" and ",
                environment.peps().stream().map(PointEnvironment.RunningPep::site).toList())
                : "no PEP (mode " + point.mode().name() + ")");
        text.append(server == null ? "" : "; server command's output in " + server.log()).append('\n');
        variables.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        text.append("logs in ").append(dir.toAbsolutePath()).append('\n');
        return text.toString();
    }

    /** The line that opens a shell in the client host with the session's variables, for a user to paste. */
    public String enterCommand() {
        List<String> line = new ArrayList<>(Shell.inNamespace(environment.topology().client().namespace(), List.of("env")));
        variables.forEach((name, value) -> line.add(name + "=" + value));
        line.add(interactiveShell());
        return String.join(" ", line);
    }

    /**
     * Runs {@code command} (empty: an interactive shell) in the client host on this terminal, and returns its exit
     * status. While an interactive shell runs, Ctrl-C is its own (it interrupts what the user typed), not the end
     * of the session; SIGTERM still ends it.
     */
    public int runClient(List<String> command) {
        boolean interactive = command.isEmpty();
        List<String> line = new ArrayList<>(List.of("env"));
        variables.forEach((name, value) -> line.add(name + "=" + value));
        line.addAll(interactive ? List.of(interactiveShell()) : clientCommand(command));
        ProcessBuilder builder = new ProcessBuilder(Shell.inNamespace(environment.topology().client().namespace(), line))
                .inheritIO();
        SignalHandler previous = interactive ? Signal.handle(new Signal("INT"), signal -> { }) : null;
        try {
            client = builder.start();
            return client.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", line) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } finally {
            if (previous != null) {
                Signal.handle(new Signal("INT"), previous);
            }
        }
    }

    /**
     * The command as the client host runs it. One word with spaces is a command line for {@code sh -c} (which
     * expands the variables itself); several words run as they are, with {@code $TESTBED_SERVER} and
     * {@code ${TESTBED_SERVER}} (and the client's) replaced, so a user can quote them with single quotes.
     */
    List<String> clientCommand(List<String> words) {
        if (words.size() == 1 && words.get(0).strip().contains(" ")) {
            return List.of("sh", "-c", words.get(0));
        }
        List<String> expanded = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.isEmpty()) {
                console.println("warning: argument " + (i + 1) + " of the command is empty: if it was \"$"
                        + UserCommand.SERVER_VARIABLE + "\", your own shell expanded it before the testbed set it; "
                        + "write '$" + UserCommand.SERVER_VARIABLE + "' (single quotes)");
            }
            for (Map.Entry<String, String> variable : variables.entrySet()) {
                word = word.replace("${" + variable.getKey() + "}", variable.getValue())
                        .replace("$" + variable.getKey(), variable.getValue());
            }
            expanded.add(word);
        }
        return expanded;
    }

    /** Records the session in a file that {@code testbed down} finds, and deletes it at teardown. */
    public SessionFile.Entry register() {
        SessionFile.Entry entry = SessionFile.Entry.of(environment.topology().topology().prefix(),
                point.scenario().name(), point.mode().name(), variables, dir, enterCommand());
        sessionFile = SessionFile.write(entry);
        return entry;
    }

    private static String interactiveShell() {
        String shell = System.getenv("SHELL");
        return shell == null || shell.isBlank() ? "/bin/sh" : shell;
    }

    /** Stops the user's programs and the proxies and prints the links' statistics: the topology's first teardown. */
    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        Process running = client;
        if (running != null) {
            UserCommand.stop(running);
        }
        if (server != null) {
            UserCommand.stop(server.process()); // the shell and what it started (a compound line forks)
        }
        for (PointEnvironment.RunningPep pep : environment.peps()) {
            pep.process().stop();
        }
        SatelliteTopology topology = environment.topology();
        console.print(LinkStatsTable.format(List.of(
                LinkStatsTable.Row.of("satellite", topology.satelliteLink(), satelliteBefore),
                LinkStatsTable.Row.of("terrestrial", topology.terrestrialLink(), terrestrialBefore))));
        if (sessionFile != null) {
            SessionFile.delete(sessionFile);
        }
        console.println("torn down " + topology.topology().prefix() + "* (logs in " + dir.toAbsolutePath() + ")");
    }

    /** Ends the session: the user's programs, the proxies, the links (their statistics printed), the namespaces. */
    @Override
    public void close() {
        environment.close();
    }

    /** Waits until the JVM shuts down (Ctrl-C, SIGTERM): {@code testbed up}'s foreground. */
    public static void awaitShutdown() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
