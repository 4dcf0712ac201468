package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.ManagedProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The short-connection load: the C client and server that {@code scripts/bench-proxy.sh} compiles (sources in
 * {@code scripts/bench/}). Native on both ends, so that neither is what limits the routed baseline.
 */
final class ShortConnections {
    /** Threads of the server: more than the machine's cores, so a busy thread never holds up an accept. */
    static final int SERVER_THREADS = 4;
    /** How the client begins its summary line of one kind of failure. */
    private static final String KINDS = "cps-client: failures: ";

    private final Path client;
    private final Path server;

    ShortConnections(Path tools) {
        this.client = tools.resolve("cps-client");
        this.server = tools.resolve("cps-server");
        for (Path binary : List.of(client, server)) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalArgumentException("--tools: no executable " + binary
                        + " (scripts/bench-proxy.sh compiles it from scripts/bench/)");
            }
        }
    }

    /** How the server shares its port among its threads (the two implementations compared once). */
    enum Sharing { REUSEPORT, SHARED }

    /** Starts the server in {@code host} and waits until it listens. */
    ManagedProcess startServer(Host host, String address, int port, Sharing sharing, Path log) {
        ManagedProcess process = host.start("cps-server", List.of(server.toString(), address, Integer.toString(port),
                Integer.toString(SERVER_THREADS), sharing.name().toLowerCase(Locale.ROOT)), log);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!process.output().contains("listening")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.stop();
                throw new IllegalStateException("cps-server did not start: " + process.output().strip());
            }
            Pause.millis(10);
        }
        return process;
    }

    /**
     * What one run of the client did; {@code hung}: connections that made no progress for the client's timeout;
     * {@code kinds}: how the failed and hung ones failed, one "COUNT STEP ERRNO" each (e.g. {@code 3 read
     * ECONNRESET}); {@code described}: the client's line for each of the first of them (time, local port, step).
     */
    record Result(long completed, long failed, double seconds, long hung, List<String> kinds, List<String> described) {
        /** What the client described of its failures: at most this many lines are kept in a result. */
        static final int DESCRIBED = 20;

        double perSecond() {
            return completed / seconds;
        }

        long attempted() {
            return completed + failed + hung;
        }

        /** The kinds of failure, comma-separated; "none" when every connection completed. */
        String failureSummary() {
            return kinds.isEmpty() ? "none" : String.join(", ", kinds);
        }
    }

    /** {@code concurrency} clients in {@code host}, one connection after another, for {@code duration}. */
    Result run(Host host, String address, int port, int concurrency, Duration duration) {
        Result result = parse(host.exec(client.toString(), address, Integer.toString(port),
                Integer.toString(concurrency), seconds(duration)), List.of());
        if (result.completed() == 0) {
            throw new IllegalStateException("cps-client completed no connection to " + address + ":" + port
                    + " (" + result.failed() + " failed)");
        }
        return result;
    }

    /**
     * {@code connections} in all from {@code concurrency} clients in {@code host}, each given up as hung after
     * {@code timeout} without progress; as long as that takes (the client runs as its own process, its progress
     * and failures in {@code log}).
     */
    Result count(Host host, String address, int port, int concurrency, long connections, Duration timeout, Path log) {
        return start(host, address, port, concurrency, connections, timeout, log).await();
    }

    /**
     * Starts {@code concurrency} clients in {@code host} in the background, for {@code connections} in all (0:
     * until {@link Background#stop()}), each given up as hung after {@code timeout} without progress.
     */
    Background start(Host host, String address, int port, int concurrency, long connections, Duration timeout,
                     Path log) {
        return new Background(host.start("cps-client", List.of(client.toString(), address, Integer.toString(port),
                Integer.toString(concurrency), "1e9", Long.toString(connections), seconds(timeout)), log));
    }

    /** A client running in the background; {@link #await} or {@link #stop} gives its result. */
    record Background(ManagedProcess process) {
        /** Waits for the client to make its count of connections. */
        Result await() {
            try {
                return result(process.process().waitFor());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } finally {
                process.stop();
            }
        }

        /** SIGTERM: each thread finishes the connection it is on, then the client reports. */
        Result stop() {
            return result(process.terminate(Duration.ofSeconds(30)));
        }

        private Result result(int exit) {
            List<String> lines = process.output().strip().lines().toList();
            if (exit != 0 || lines.isEmpty()) {
                throw new IllegalStateException("cps-client exited with " + exit + ": " + process.output().strip());
            }
            return parse(lines.get(lines.size() - 1), lines);
        }
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
    }

    /** The client's figures from its last line of output, and its account of the failures from {@code log}. */
    private static Result parse(String line, List<String> log) {
        String[] fields = line.strip().split("\\s+");
        List<String> kinds = log.stream().filter(l -> l.startsWith(KINDS)).map(l -> l.substring(KINDS.length()))
                .toList();
        List<String> described = log.stream().filter(l -> l.startsWith("cps-client: failure ")
                || l.startsWith("cps-client: hang ")).limit(Result.DESCRIBED).toList();
        return new Result(Long.parseLong(fields[0]), Long.parseLong(fields[1]), Double.parseDouble(fields[2]),
                Long.parseLong(fields[3]), kinds, described);
    }

}
