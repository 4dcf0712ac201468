package org.pepsal.testbed.bench;

import org.pepsal.testbed.bench.ResultTable.Row;
import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.topology.ManagedProcess;
import org.pepsal.testbed.traffic.Iperf3;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Kernel routing, HAProxy and this proxy (copy and {@code --splice}) side by side, in one run and in the same
 * client — gateway — server namespaces on veth: short connections per second (sequential and 16 concurrent) and
 * iperf3 bulk throughput (1 stream, 8 streams, 1 stream reversed), each as a ratio to routing, with the relay
 * process's CPU. Every round measures every column once; the table gives medians over rounds. It asserts nothing.
 */
@Command(name = "bench-proxy", mixinStandardHelpOptions = true,
        description = "Routing, HAProxy and the proxy side by side; prints a table of medians and ratios to routing.")
public final class ProxyBenchmark implements Callable<Integer> {
    static final int CPS_PORT = 7300;
    private static final int CHECK_PORT = 7301;
    static final Row SEQUENTIAL = new Row("connections/s, sequential", true);
    static final Row CONCURRENT = new Row("connections/s, 16 concurrent", true);
    static final Row BULK_1 = new Row("iperf3 1 stream (Gbit/s)", true);
    static final Row BULK_8 = new Row("iperf3 8 streams (Gbit/s)", true);
    static final Row BULK_REVERSE = new Row("iperf3 1 stream reverse (Gbit/s)", true);
    static final Row CPU_SEQUENTIAL = new Row("relay CPU per connection, sequential (µs)", false);
    static final Row CPU_CONCURRENT = new Row("relay CPU per connection, 16 concurrent (µs)", false);
    static final Row USER_CPU_CONCURRENT = new Row("  of which in user space (µs)", false);
    static final Row CORES_CONCURRENT = new Row("relay CPU, 16 concurrent (cores)", false);
    static final Row CORES_BULK = new Row("relay CPU, 1 stream (cores)", false);

    @Option(names = "--tools", required = true, description = "Folder with the compiled cps-client and cps-server.")
    Path tools;

    @Option(names = "--work", required = true, description = "Folder for logs and configuration (the script's temporary one).")
    Path work;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds; the table gives medians over them (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--cps-seconds", defaultValue = "5", description = "Seconds per connections-per-second figure (default ${DEFAULT-VALUE}).")
    double cpsSeconds;

    @Option(names = "--bulk-seconds", defaultValue = "8", description = "Seconds per iperf3 figure (default ${DEFAULT-VALUE}).")
    int bulkSeconds;

    @Option(names = "--warm-up-seconds", defaultValue = "3", description = "Short connections before each column's figures, unrecorded, so the JIT has compiled the proxy's paths (default ${DEFAULT-VALUE}).")
    double warmUpSeconds;

    @Option(names = "--extras", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also the 1 Gbit/s-limited transfer and the memory per idle connection (default: on).")
    boolean extras;

    @Option(names = "--idle-connections", defaultValue = "2000", description = "Connections held open for the memory figure (default ${DEFAULT-VALUE}; splice needs six descriptors each).")
    int idleConnections;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ProxyBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Relay> relays = List.of(new Relay.Routing(), new Relay.Haproxy(),
                new Relay.Pepsal("proxy", List.of()), new Relay.Pepsal("proxy --splice", List.of("--splice")));
        ShortConnections load = new ShortConnections(tools);
        ResultTable table = new ResultTable("routing", relays.stream().map(Relay::name).toList());
        try (GatewayTopology net = GatewayTopology.build(false)) {
            recordPrefix(net);
            // Reused client ports must not wait for anything: the client resets, and has the whole range.
            net.client().sysctl("net.ipv4.ip_local_port_range", "1024 65535");
            String server = net.serverEnd().ipv4();
            load.startServer(net.server(), server, CPS_PORT, ShortConnections.Sharing.REUSEPORT,
                    work.resolve("cps-server.log"));
            for (int round = 0; round < rounds; round++) {
                for (Relay relay : relays) {
                    System.out.printf("round %d/%d: %s%n", round + 1, rounds, relay.name());
                    Path dir = work.resolve("round" + (round + 1)).resolve(relay.name().replaceAll("\\W+", "_"));
                    try (Relay.Running running = relay.start(net, dir)) {
                        measure(net, load, running, relay.name(), round, table);
                    }
                    if (round == 0 && relay instanceof Relay.Routing) {
                        checkBaseline(net, load, table.median(CONCURRENT, relay.name()));
                    }
                }
            }
        }
        System.out.println();
        table.print(System.out);
        if (extras) {
            new ProxyExtras(work, idleConnections, Duration.ofSeconds(bulkSeconds), load, this::recordPrefix).run();
        }
        return 0;
    }

    private void measure(GatewayTopology net, ShortConnections load, Relay.Running relay, String column, int round,
                         ResultTable table) {
        String server = net.serverEnd().ipv4();
        Duration cps = Duration.ofMillis((long) (cpsSeconds * 1000));
        load.run(net.client(), server, CPS_PORT, 16, Duration.ofMillis((long) (warmUpSeconds * 1000)));
        for (int concurrency : new int[] {1, 16}) {
            Cpu.MachineTime machineBefore = Cpu.MachineTime.now();
            Timed<ShortConnections.Result> run = timed(relay, () -> load.run(net.client(), server, CPS_PORT,
                    concurrency, cps));
            table.put(concurrency == 1 ? SEQUENTIAL : CONCURRENT, column, round, run.value().perSecond());
            if (relay.pid() > 0) {
                table.put(concurrency == 1 ? CPU_SEQUENTIAL : CPU_CONCURRENT, column, round,
                        run.cpu().total() * 1e6 / run.value().completed());
                if (concurrency == 16) {
                    // The relay's own code against the kernel's socket work done on its behalf.
                    table.put(USER_CPU_CONCURRENT, column, round, run.cpu().user() * 1e6 / run.value().completed());
                    table.put(CORES_CONCURRENT, column, round, run.cpu().total() / run.seconds());
                }
            }
            if (concurrency == 16 && relay.pid() < 0 && round == 0) {
                double[] shares = Cpu.MachineTime.now().since(machineBefore).shares();
                System.out.printf(Locale.ROOT, "  routed 16 concurrent: machine CPU user %.0f %%, system %.0f %%, "
                        + "softirq %.0f %%, idle %.0f %%%n",
                        shares[0] * 100, shares[1] * 100, shares[2] * 100, shares[3] * 100);
            }
        }
        Timed<Double> bulk = timed(relay, () -> bulk(net, 1, false));
        table.put(BULK_1, column, round, bulk.value());
        if (relay.pid() > 0) {
            table.put(CORES_BULK, column, round, bulk.cpu().total() / bulk.seconds());
        }
        Cpu.MachineTime machineBefore = Cpu.MachineTime.now();
        table.put(BULK_8, column, round, bulk(net, 8, false));
        if (round == 0) {
            // Whether 8 streams are bound by the machine's two cores: then no relay can carry what routing does.
            double[] shares = Cpu.MachineTime.now().since(machineBefore).shares();
            System.out.printf(Locale.ROOT, "  %s, 8 streams: machine CPU user %.0f %%, system %.0f %%, softirq %.0f %%, "
                    + "idle %.0f %%%n", column, shares[0] * 100, shares[1] * 100, shares[2] * 100, shares[3] * 100);
        }
        table.put(BULK_REVERSE, column, round, bulk(net, 1, true));
    }

    /**
     * Once per run: is the routed baseline the kernel's? The same 16-concurrent load against a second server
     * implementation (one listener shared by all threads instead of one per thread) should reach the same rate,
     * and the server's own CPU should be almost all system time (the kernel's TCP work on its behalf).
     */
    private void checkBaseline(GatewayTopology net, ShortConnections load, double reuseportRate) {
        String server = net.serverEnd().ipv4();
        ManagedProcess shared = load.startServer(net.server(), server, CHECK_PORT, ShortConnections.Sharing.SHARED,
                work.resolve("cps-server-shared.log"));
        try {
            Cpu.ProcessTime before = Cpu.ProcessTime.of(shared.pid());
            ShortConnections.Result result = load.run(net.client(), server, CHECK_PORT, 16,
                    Duration.ofMillis((long) (cpsSeconds * 1000)));
            Cpu.ProcessTime used = Cpu.ProcessTime.of(shared.pid()).since(before);
            System.out.printf(Locale.ROOT, "  baseline check, routed 16 concurrent: %.0f connections/s with one "
                    + "listener per server thread, %.0f with one shared listener (ratio %.2f); that server's CPU "
                    + "%.2f cores, %.0f %% of it system time%n", reuseportRate, result.perSecond(),
                    result.perSecond() / reuseportRate, used.total() / result.seconds(),
                    100 * used.system() / Math.max(1e-9, used.total()));
        } finally {
            shared.stop();
        }
    }

    private double bulk(GatewayTopology net, int streams, boolean reverse) {
        Iperf3.Result result = Iperf3.run(net.client(), net.server(), net.serverEnd().ipv4(),
                Iperf3.Transfer.tcp(Duration.ofSeconds(bulkSeconds), streams).downloading(reverse), null);
        return result.goodputBitsPerSecond() / 1e9;
    }

    /** A figure with the relay's CPU time and the wall-clock seconds it took. */
    private record Timed<T>(T value, Cpu.ProcessTime cpu, double seconds) {
    }

    private static <T> Timed<T> timed(Relay.Running relay, Supplier<T> work) {
        Cpu.ProcessTime before = relay.pid() > 0 ? Cpu.ProcessTime.of(relay.pid()) : null;
        long start = System.nanoTime();
        T value = work.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        Cpu.ProcessTime cpu = before != null ? Cpu.ProcessTime.of(relay.pid()).since(before) : new Cpu.ProcessTime(0, 0);
        return new Timed<>(value, cpu, seconds);
    }

    private void recordPrefix(GatewayTopology net) {
        recordPrefix(work, net);
    }

    /**
     * Tells the benchmark's script which namespaces are this run's (a line in {@code work/namespace-prefixes}), so
     * its clean-up finds them even after a SIGKILL.
     */
    static void recordPrefix(Path work, GatewayTopology net) {
        try {
            Files.writeString(work.resolve("namespace-prefixes"), net.topology().prefix() + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
