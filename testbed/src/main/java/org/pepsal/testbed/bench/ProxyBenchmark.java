package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.PepProcess;
import org.pepsal.testbed.topology.Shell;
import org.pepsal.testbed.traffic.Iperf3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy against kernel routing, in the same run and the same topology shape (client — gateway — server on
 * veth): bulk throughput (1 and 8 streams, both directions), short connections per second (sequential and 16
 * concurrent), the proxy's CPU and memory, and its memory per idle connection. Prints figures and ratios; it
 * asserts nothing (targets are judged by reading them).
 */
public final class ProxyBenchmark {
    private static final int ECHO_PORT = 7300;

    private final Duration bulkDuration;
    private final Duration cpsDuration;
    private final int idleConnections;
    private final Path workDir;
    private final Map<String, Map<String, Double>> results = new LinkedHashMap<>();

    ProxyBenchmark(Duration bulkDuration, Duration cpsDuration, int idleConnections, Path workDir) {
        this.bulkDuration = bulkDuration;
        this.cpsDuration = cpsDuration;
        this.idleConnections = idleConnections;
        this.workDir = workDir;
    }

    public static void main(String[] args) throws Exception {
        Duration bulk = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 8);
        Duration cps = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
        int idle = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        Path work = Files.createTempDirectory("pepsal-bench");
        new ProxyBenchmark(bulk, cps, idle, work).run();
    }

    void run() throws Exception {
        measure("routing", false, List.of());
        measure("proxy", true, List.of());
        measure("proxy --splice", true, List.of("--splice"));
        print();
        System.out.printf("%nWith the gateway's links limited to 1 Gbit/s (token bucket), 1 stream:%n");
        double routed = limitedBulk(false, List.of());
        double copied = limitedBulk(true, List.of());
        double spliced = limitedBulk(true, List.of("--splice"));
        System.out.printf(Locale.ROOT, "  routing %.3f Gbit/s, proxy %.3f (ratio %.2f), proxy --splice %.3f (ratio %.2f)%n",
                routed, copied, copied / routed, spliced, spliced / routed);
        System.out.printf("%nMemory per idle connection (a fresh proxy, %d connections):%n", idleConnections);
        System.out.printf(Locale.ROOT, "  proxy %.2f KiB, proxy --splice %.2f KiB%n", idleCost(List.of()),
                idleCost(List.of("--splice")));
    }

    private double limitedBulk(boolean split, List<String> proxyArgs) {
        try (GatewayTopology net = GatewayTopology.build(split)) {
            net.limitGatewayRate("1gbit");
            if (split) {
                PepProcess.start(net.gateway(), workDir.resolve("limited"), proxyArgs);
            }
            return bulk(net, net.serverEnd().ipv4(), 1, false);
        }
    }

    private void measure(String mode, boolean split, List<String> proxyArgs) throws Exception {
        Map<String, Double> figures = new LinkedHashMap<>();
        results.put(mode, figures);
        System.out.printf("%n== %s%n", mode);
        try (GatewayTopology net = GatewayTopology.build(split)) {
            PepProcess pep = split ? PepProcess.start(net.gateway(), workDir.resolve(mode.replace(' ', '_')), proxyArgs)
                    : null;
            String server = net.serverEnd().ipv4();
            long cpuBefore = pep != null ? cpuTicks(pep.pid()) : 0;
            long start = System.nanoTime();
            figures.put("bulk 1 stream (Gbit/s)", bulk(net, server, 1, false));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (pep != null) {
                figures.put("proxy CPU during 1 stream (cores)", (cpuTicks(pep.pid()) - cpuBefore) / clockTicks() / seconds);
            }
            figures.put("bulk 8 streams (Gbit/s)", bulk(net, server, 8, false));
            figures.put("bulk 1 stream reverse (Gbit/s)", bulk(net, server, 1, true));
            try (ServerSocketChannel listener = listen(net.server(), server)) {
                ExecutorService threads = Executors.newCachedThreadPool();
                AtomicBoolean serving = new AtomicBoolean(true);
                threads.execute(() -> serveEcho(listener, threads, serving));
                figures.put("connections/s sequential", connectionsPerSecond(net.client(), server, 1));
                figures.put("connections/s 16 concurrent", connectionsPerSecond(net.client(), server, 16));
                if (pep != null) {
                    figures.put("proxy RSS after load (MiB)", rssKib(pep.pid()) / 1024.0);
                }
                serving.set(false);
                threads.shutdownNow();
            }
        }
        figures.forEach((name, value) -> System.out.printf(Locale.ROOT, "  %-40s %12.2f%n", name, value));
    }

    private double bulk(GatewayTopology net, String server, int streams, boolean reverse) {
        Iperf3.Result result = Iperf3.run(net.client(), net.server(), server,
                Iperf3.Transfer.tcp(bulkDuration, streams).downloading(reverse), null);
        return result.goodputBitsPerSecond() / 1e9;
    }

    private static ServerSocketChannel listen(Host host, String address) {
        return host.call(() -> {
            ServerSocketChannel channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(address, ECHO_PORT), 16384);
            return channel;
        });
    }

    /** Answers each connection's one-byte request with one byte, then lets the client close. */
    private static void serveEcho(ServerSocketChannel listener, ExecutorService threads, AtomicBoolean serving) {
        while (serving.get()) {
            try {
                SocketChannel accepted = listener.accept();
                threads.execute(() -> {
                    try (accepted) {
                        ByteBuffer buffer = ByteBuffer.allocate(1);
                        while (accepted.read(buffer) >= 0) {
                            buffer.flip();
                            accepted.write(buffer);
                            buffer.clear();
                        }
                    } catch (IOException ignored) {
                        // the client went away
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Connect, one byte each way, close — as many times as {@code parallel} clients manage in the duration. */
    private double connectionsPerSecond(Host client, String server, int parallel) throws Exception {
        InetSocketAddress target = new InetSocketAddress(server, ECHO_PORT);
        LongAdder done = new LongAdder();
        long deadline = System.nanoTime() + cpsDuration.toNanos();
        ExecutorService threads = Executors.newFixedThreadPool(parallel);
        List<Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            workers.add(threads.submit(() -> {
                ByteBuffer one = ByteBuffer.allocate(1);
                while (System.nanoTime() < deadline) {
                    try (SocketChannel channel = client.call(SocketChannel::open)) {
                        channel.setOption(StandardSocketOptions.SO_LINGER, 0); // no TIME_WAIT pile-up on the client
                        channel.connect(target);
                        one.clear().put((byte) 1).flip();
                        channel.write(one);
                        one.clear();
                        if (channel.read(one) == 1) {
                            done.increment();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        threads.shutdown();
        return done.sum() / (double) cpsDuration.toSeconds();
    }

    /**
     * Starts a fresh proxy, opens {@code idleConnections} through it, and divides its RSS growth (each side after a
     * GC) by their number. A fresh process, because one that has carried bulk traffic holds heap it may give back.
     */
    private double idleCost(List<String> proxyArgs) throws Exception {
        try (GatewayTopology net = GatewayTopology.build(true);
             ServerSocketChannel listener = listen(net.server(), net.serverEnd().ipv4())) {
            PepProcess pep = PepProcess.start(net.gateway(), workDir.resolve("idle"), proxyArgs);
            ExecutorService threads = Executors.newCachedThreadPool();
            AtomicBoolean serving = new AtomicBoolean(true);
            threads.execute(() -> serveEcho(listener, threads, serving));
            InetSocketAddress target = new InetSocketAddress(net.serverEnd().ipv4(), ECHO_PORT);
            List<SocketChannel> idle = new ArrayList<>();
            try {
                idle.add(net.client().call(() -> SocketChannel.open(target))); // loads the classes a connection needs
                Thread.sleep(1000);
                gc(pep.pid());
                long before = rssKib(pep.pid());
                for (int i = 1; i < idleConnections; i++) {
                    idle.add(net.client().call(() -> SocketChannel.open(target)));
                }
                Thread.sleep(2000);
                gc(pep.pid());
                long after = rssKib(pep.pid());
                System.out.printf(Locale.ROOT, "  (RSS %d KiB -> %d KiB with %d idle connections)%n", before, after,
                        idleConnections);
                return (after - before) / (double) (idleConnections - 1);
            } finally {
                for (SocketChannel channel : idle) {
                    channel.close();
                }
                serving.set(false);
                threads.shutdownNow();
            }
        }
    }

    private static void gc(long pid) {
        Shell.tryRun(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), "GC.run");
    }

    private static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static double clockTicks() {
        return Double.parseDouble(Shell.run("getconf", "CLK_TCK").strip());
    }

    private void print() {
        Map<String, Double> routing = results.get("routing");
        System.out.printf("%n%-40s %12s %12s %8s %14s %8s%n", "figure", "routing", "proxy", "ratio", "proxy --splice",
                "ratio");
        for (String figure : results.get("proxy").keySet()) {
            Double base = routing.get(figure);
            double copy = results.get("proxy").get(figure);
            Double splice = results.get("proxy --splice").get(figure);
            System.out.printf(Locale.ROOT, "%-40s %12s %12.2f %8s %14s %8s%n", figure,
                    base == null ? "" : String.format(Locale.ROOT, "%.2f", base), copy,
                    base == null ? "" : String.format(Locale.ROOT, "%.2f", copy / base),
                    splice == null ? "" : String.format(Locale.ROOT, "%.2f", splice),
                    base == null || splice == null ? "" : String.format(Locale.ROOT, "%.2f", splice / base));
        }
    }
}
