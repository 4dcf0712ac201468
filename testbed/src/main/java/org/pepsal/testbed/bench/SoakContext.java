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
 */
record SoakContext(GatewayTopology net, ShortConnections load, Path work, int cpsPort, int flowPort) {
    /** The proxy's metrics port inside the gateway (loopback only). */
    static final int METRICS_PORT = 8404;
    /** After this long without progress a connection counts as hung. */
    static final Duration HANG = Duration.ofSeconds(10);

    String server() {
        return net.serverEnd().ipv4();
    }

    /** A fresh proxy for one check, with {@code args} and its metrics served; its log in the check's folder. */
    PepProcess proxy(String check, List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--metrics-port", Integer.toString(METRICS_PORT)));
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
