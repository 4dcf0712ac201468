package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.topology.PepProcess;
import org.pepsal.testbed.traffic.Iperf3;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * The benchmark's two figures outside the table: one stream through links limited to 1 Gbit/s (where a link, not
 * the CPU, limits), and the proxy's memory per idle connection.
 */
final class ProxyExtras {
    private final Path work;
    private final int idleConnections;
    private final Duration bulkDuration;
    private final ShortConnections load;
    private final Consumer<GatewayTopology> recordPrefix;

    ProxyExtras(Path work, int idleConnections, Duration bulkDuration, ShortConnections load,
                Consumer<GatewayTopology> recordPrefix) {
        this.work = work;
        this.idleConnections = idleConnections;
        this.bulkDuration = bulkDuration;
        this.load = load;
        this.recordPrefix = recordPrefix;
    }

    void run() {
        System.out.printf("%nWith the gateway's links limited to 1 Gbit/s (token bucket), 1 stream:%n");
        try (GatewayTopology net = GatewayTopology.build(false)) {
            recordPrefix.accept(net);
            net.limitGatewayRate("1gbit");
            double routed = Double.NaN;
            for (Relay relay : List.of(new Relay.Routing(), new Relay.Haproxy(), new Relay.Pepsal("proxy", List.of()),
                    new Relay.Pepsal("proxy --splice", List.of("--splice")))) {
                try (Relay.Running ignored = relay.start(net, work.resolve("limited").resolve(relay.name()
                        .replaceAll("\\W+", "_")))) {
                    double gbits = Iperf3.run(net.client(), net.server(), net.serverEnd().ipv4(),
                            Iperf3.Transfer.tcp(bulkDuration, 1), null).goodputBitsPerSecond() / 1e9;
                    routed = relay instanceof Relay.Routing ? gbits : routed;
                    System.out.printf(Locale.ROOT, "  %-16s %.3f Gbit/s (ratio %.2f)%n", relay.name(), gbits,
                            gbits / routed);
                }
            }
        }
        System.out.printf("%nMemory per idle connection (a fresh proxy, %d connections):%n", idleConnections);
        System.out.printf(Locale.ROOT, "  proxy %.2f KiB, proxy --splice %.2f KiB%n", idleCost(List.of()),
                idleCost(List.of("--splice")));
    }

    /**
     * Starts a fresh proxy, opens {@code idleConnections} through it, and divides its RSS growth (each side after a
     * GC) by their number. A fresh process, because one that has carried bulk traffic holds heap it may give back.
     */
    private double idleCost(List<String> proxyArgs) {
        try (GatewayTopology net = GatewayTopology.build(true)) {
            recordPrefix.accept(net);
            String server = net.serverEnd().ipv4();
            load.startServer(net.server(), server, ProxyBenchmark.CPS_PORT, ShortConnections.Sharing.REUSEPORT,
                    work.resolve("idle").resolve("cps-server.log"));
            // All of them come from one client: room for them in the table and in the per-source limit.
            List<String> args = new ArrayList<>(proxyArgs);
            args.addAll(List.of("--conns", Integer.toString(idleConnections + 16), "--conns-per-source", "0"));
            PepProcess pep = PepProcess.start(net.gateway(), work.resolve("idle"), args);
            InetSocketAddress target = new InetSocketAddress(server, ProxyBenchmark.CPS_PORT);
            List<SocketChannel> idle = new ArrayList<>();
            try {
                idle.add(net.client().call(() -> SocketChannel.open(target))); // loads the classes a connection needs
                Pause.millis(1000);
                ProcessMemory.gc(pep.pid());
                long before = ProcessMemory.rssKib(pep.pid());
                for (int i = 1; i < idleConnections; i++) {
                    idle.add(net.client().call(() -> SocketChannel.open(target)));
                }
                Pause.millis(2000);
                ProcessMemory.gc(pep.pid());
                long after = ProcessMemory.rssKib(pep.pid());
                System.out.printf(Locale.ROOT, "  (RSS %d KiB -> %d KiB with %d idle connections)%n", before, after,
                        idleConnections);
                return (after - before) / (double) (idleConnections - 1);
            } finally {
                for (SocketChannel channel : idle) {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // closing is best effort: the namespace goes next
                    }
                }
            }
        }
    }
}
