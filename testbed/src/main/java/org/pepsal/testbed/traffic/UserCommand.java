package org.pepsal.testbed.traffic;

import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.ManagedProcess;
import org.pepsal.testbed.topology.Shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A user's own program on the emulated path: a shell command line ({@code sh -c}) run inside a host with the
 * path's addresses in its environment ({@code TESTBED_SERVER}, {@code TESTBED_CLIENT}). Used by
 * {@code testbed shell} and by a scenario's {@code command} workload, so both give a program the same view.
 */
public final class UserCommand {
    public static final String SERVER_VARIABLE = "TESTBED_SERVER";
    public static final String CLIENT_VARIABLE = "TESTBED_CLIENT";
    /** How long a server command gets to open its socket before the client starts anyway. */
    static final Duration LISTEN_WAIT = Duration.ofSeconds(10);

    private UserCommand() {
    }

    /** The variables a user's command finds: the server's and the client's addresses. */
    public static Map<String, String> environment(String serverAddress, String clientAddress) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(SERVER_VARIABLE, serverAddress);
        environment.put(CLIENT_VARIABLE, clientAddress);
        return environment;
    }

    /** {@code env K=V ... sh -c COMMAND}: the command line as a host runs it. */
    public static List<String> shellCommand(Map<String, String> environment, String command) {
        List<String> line = new ArrayList<>(List.of("env"));
        environment.forEach((name, value) -> line.add(name + "=" + value));
        line.addAll(List.of("sh", "-c", command));
        return line;
    }

    /**
     * Starts a server command in {@code host}, owned by the host (stopped with the topology), its output in
     * {@code log}, and waits until it has opened a listening socket (TCP or UDP) — at most {@link #LISTEN_WAIT},
     * after which the caller goes on (a server may open its socket late, or be no server at all) and a line
     * saying so is in the log.
     *
     * @throws IllegalStateException when it exits before that, with its output
     */
    public static ManagedProcess startServer(Host host, Map<String, String> environment, String command, Path log) {
        Set<String> before = listening(host);
        ManagedProcess server = host.start("server command", shellCommand(environment, command), log);
        long deadline = System.nanoTime() + LISTEN_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server command exited with " + server.process().exitValue()
                        + " before the client started: " + command + "\n" + server.output().strip());
            }
            if (!before.containsAll(listening(host))) {
                return server;
            }
            sleep(50);
        }
        try {
            Files.writeString(log, "[testbed] no listening socket after " + LISTEN_WAIT.toSeconds()
                    + " s; the client starts anyway\n", java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // only a note
        }
        return server;
    }

    /** The sockets a host listens on (TCP) or has bound (UDP), as {@code ss} prints them. */
    private static Set<String> listening(Host host) {
        Shell.Result result = host.tryExec("ss", "-H", "-l", "-t", "-u", "-n");
        return result.ok() ? Set.copyOf(result.stdout().lines().map(String::strip).toList()) : Set.of();
    }

    /**
     * How a client command ended: its exit status (after a timeout, the killed shell's: 128 + the signal), its
     * wall time (a timed-out one's: the time waited), and what it printed.
     */
    public record Outcome(int exitStatus, boolean timedOut, Duration wallTime, String stdout, String stderr) {
    }

    /**
     * Runs a client command in {@code host} to its end, or until {@code timeout} (then SIGTERM, SIGKILL after 5 s),
     * its stdout in {@code stdout} and its stderr in {@code stderr}.
     */
    public static Outcome run(Host host, Map<String, String> environment, String command, Duration timeout,
                              Path stdout, Path stderr) {
        try {
            Files.createDirectories(stdout.toAbsolutePath().getParent());
            Process process = new ProcessBuilder(Shell.inNamespace(host.namespace(), shellCommand(environment, command)))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            long started = System.nanoTime();
            try {
                boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                Duration wall = Duration.ofNanos(System.nanoTime() - started);
                if (!finished) {
                    stop(process);
                    process.waitFor();
                }
                return new Outcome(process.exitValue(), !finished, wall, text(stdout), text(stderr));
            } catch (InterruptedException e) {
                stop(process);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + command, e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command + " in " + host + ": " + e.getMessage(), e);
        }
    }

    /** What a program wrote, as text whatever its bytes (a malformed sequence becomes U+FFFD, never an error). */
    private static String text(Path output) throws IOException {
        return new String(Files.readAllBytes(output), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * SIGTERM to the command and everything it started ({@code sh} may fork its command rather than exec it), 5 s,
     * then SIGKILL: how every user command the testbed started is ended.
     */
    public static void stop(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(0, process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                handle.destroyForcibly();
            } catch (InterruptedException e) {
                handle.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
