package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.topology.PepProcess;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What every soak check runs in: the client — gateway — server namespaces with the gateway diverting to the proxy,
 * the short-connection server listening in the server host, and a folder per check for the proxy's log.
 *
 * @param flowPort where the download server ({@link org.pepsal.testbed.traffic.FlowServer}) listens
 * @param flowLog   whether each proxy writes a flow log ({@code flows.jsonl} in the check's folder): each
 *                  connection's end and why, to find a failed one by its client port
 */
record SoakContext(GatewayTopology net, ShortConnections load, Path work, int cpsPort, int flowPort,
                   boolean flowLog) {
    /** The proxy's metrics port inside the gateway (loopback only). */
    static final int METRICS_PORT = 8404;
    /** After this long without progress a connection counts as hung. */
    static final Duration HANG = Duration.ofSeconds(10);

    /** Takes the gateway's divert rules out: it only routes until {@link #divert()}. */
    void undivert() {
        PepProcess.undivert(net.gateway(), net.gatewayClientDevice());
    }

    /** Puts the gateway's divert rules back, as the topology installed them. */
    void divert() {
        PepProcess.divert(net.gateway(), net.gatewayClientDevice());
    }

    String server() {
        return net.serverEnd().ipv4();
    }

    /** A fresh proxy for one check, with {@code args} and its metrics served; its log in the check's folder. */
    PepProcess proxy(String check, List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--metrics-port", Integer.toString(METRICS_PORT)));
        if (flowLog) {
            all.addAll(List.of("--flow-log", work.resolve(check).resolve("flows.jsonl").toString()));
        }
        return PepProcess.start(net.gateway(), work.resolve(check), all);
    }

    /** The sum of a proxy's samples of {@code name} with {@code labels} (see {@link MetricsText#sum}). */
    static double metric(PepProcess pep, String name, String labels) {
        return MetricsText.sum(pep.metrics(METRICS_PORT), name, labels);
    }

    /** Connections left in the proxy's table once it has had {@code within} to close what ended. */
    static long tableAfter(PepProcess pep, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        double active;
        while ((active = metric(pep, "pepsal_connections_active", "")) > 0 && System.nanoTime() < deadline) {
            Pause.millis(100);
        }
        return (long) active;
    }

    /**
     * The proxy's own account of the connections it reset: server legs that could not be connected (by reason) and
     * I/O errors on a leg (by leg and kind), as its metrics count them; "none" when there were none.
     */
    static String proxyAccount(PepProcess pep) {
        String text = pep.metrics(METRICS_PORT);
        List<String> parts = new ArrayList<>();
        for (String name : List.of("pepsal_upstream_connect_failures_total", "pepsal_relay_errors_total")) {
            MetricsText.samples(text, name).forEach((labels, value) -> {
                if (value > 0) {
                    parts.add(String.format(java.util.Locale.ROOT, "%s%s %.0f",
                            name.substring("pepsal_".length(), name.length() - "_total".length()), labels, value));
                }
            });
        }
        return "the proxy's errors: " + (parts.isEmpty() ? "none" : String.join(", ", parts));
    }

    /**
     * How the client's failed and hung connections failed (step and errno, then the client's own lines for the
     * first few): nothing when none did.
     */
    static List<String> failures(ShortConnections.Result result) {
        if (result.kinds().isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        lines.add("failed connections by step and errno: " + result.failureSummary());
        result.described().forEach(line -> lines.add("  " + line));
        return lines;
    }

    /** The criterion of a run of short connections: all {@code expected} completed, none failed or hung. */
    static SoakOutcome.Unmet allCompleted(ShortConnections.Result result, long expected) {
        return noneFailed(result).require(result.attempted() == expected, result.attempted() + " of " + expected
                + " short connections made");
    }

    /** The criterion of a run of short connections of no set count: none failed or hung. */
    static SoakOutcome.Unmet noneFailed(ShortConnections.Result result) {
        return new SoakOutcome.Unmet().require(result.failed() == 0 && result.hung() == 0, result.failed()
                + " short connections failed, " + result.hung() + " hung (" + result.failureSummary() + ")");
    }

    /** Closes what a check held open; best effort, since its proxy and namespaces go next anyway. */
    static void closeAll(List<? extends Closeable> held) {
        for (Closeable closeable : held) {
            try {
                closeable.close();
            } catch (IOException ignored) {
                // nothing more to do with it
            }
        }
    }

    /** {@code n} short connections from the client host, {@code concurrency} at a time, counted. */
    ShortConnections.Result shortConnections(String check, int concurrency, long n) {
        return load.count(net.client(), server(), cpsPort, concurrency, n, HANG,
                work.resolve(check).resolve("cps-client.log"));
    }
}
