package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.topology.ManagedProcess;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relays' system calls per short connection, counted rather than timed: HAProxy and this proxy (copy and
 * {@code --splice}), configured as {@code scripts/bench-proxy.sh} runs them, each carry a warm-up of connections
 * and then a counted number under {@code strace -f -c}, whose totals divided by that number are the table. A
 * count does not depend on how busy the machine is, so it can be compared across machines and changes.
 */
@Command(name = "syscall-count", mixinStandardHelpOptions = true,
        description = "System calls per short connection of HAProxy and the proxy (strace -c over a counted load).")
public final class SyscallCount implements java.util.concurrent.Callable<Integer> {
    /** One line of strace's summary: % time, seconds, usecs/call, calls, [errors,] syscall. */
    private static final Pattern SUMMARY_LINE =
            Pattern.compile("^\\s*[\\d.]+\\s+[\\d.]+\\s+\\d+\\s+(\\d+)\\s+(?:\\d+\\s+)?([a-z_0-9]+)\\s*$");

    @Option(names = "--tools", required = true, description = "Folder with the compiled cps-client and cps-server.")
    Path tools;

    @Option(names = "--work", required = true, description = "Folder for logs and strace's summaries.")
    Path work;

    @Option(names = "--connections", defaultValue = "5000", description = "Connections counted per relay and concurrency (default ${DEFAULT-VALUE}).")
    long connections;

    @Option(names = "--warm-up", defaultValue = "20000", description = "Connections before counting, so the JIT has compiled the proxy's paths (default ${DEFAULT-VALUE}).")
    long warmUp;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SyscallCount()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Relay> relays = List.of(new Relay.Haproxy(), new Relay.Pepsal("proxy", List.of()),
                new Relay.Pepsal("proxy --splice", List.of("--splice")));
        ShortConnections load = new ShortConnections(tools);
        Map<String, Map<String, Double>> columns = new LinkedHashMap<>();
        try (GatewayTopology net = GatewayTopology.build(false)) {
            ProxyBenchmark.recordPrefix(work, net);
            net.client().sysctl("net.ipv4.ip_local_port_range", "1024 65535");
            String server = net.serverEnd().ipv4();
            load.startServer(net.server(), server, ProxyBenchmark.CPS_PORT, ShortConnections.Sharing.REUSEPORT,
                    work.resolve("cps-server.log"));
            for (Relay relay : relays) {
                Path dir = work.resolve(relay.name().replaceAll("\\W+", "_"));
                try (Relay.Running running = relay.start(net, dir)) {
                    load.count(net.client(), server, ProxyBenchmark.CPS_PORT, 16, warmUp, Duration.ofSeconds(10),
                            dir.resolve("warm-up.log"));
                    for (int concurrency : new int[] {1, 16}) {
                        String column = relay.name() + ", " + (concurrency == 1 ? "sequential" : "16 concurrent");
                        System.out.println(column);
                        columns.put(column, perConnection(net, load, running.pid(), concurrency,
                                dir.resolve("strace-" + concurrency + ".txt")));
                    }
                }
            }
        }
        print(columns);
        return 0;
    }

    /** Calls per connection by syscall, over {@link #connections} connections from {@code concurrency} clients. */
    private Map<String, Double> perConnection(GatewayTopology net, ShortConnections load, long pid, int concurrency,
                                              Path summary) {
        // -f with -p attaches every thread of the process, not only its main one.
        ManagedProcess strace = net.gateway().start("strace", List.of("strace", "-f", "-c", "-o", summary.toString(),
                "-p", Long.toString(pid)), summary.resolveSibling(summary.getFileName() + ".log"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!strace.output().contains("attached")) {
            if (!strace.isAlive() || System.nanoTime() > deadline) {
                strace.stop();
                throw new IllegalStateException("strace did not attach to " + pid + ": " + strace.output().strip());
            }
            Pause.millis(20);
        }
        Pause.millis(500); // every thread attached
        ShortConnections.Result result = load.count(net.client(), net.serverEnd().ipv4(), ProxyBenchmark.CPS_PORT,
                concurrency, connections, Duration.ofSeconds(10), summary.resolveSibling("cps-client.log"));
        strace.terminate(Duration.ofSeconds(30)); // it detaches and writes its summary
        if (result.completed() != connections) {
            throw new IllegalStateException("only " + result.completed() + " of " + connections
                    + " connections completed (" + result.failed() + " failed, " + result.hung() + " hung): "
                    + readSummary(summary.resolveSibling("cps-client.log")).strip());
        }
        return parse(readSummary(summary), connections);
    }

    private static String readSummary(Path summary) {
        try {
            return java.nio.file.Files.readString(summary);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** strace's {@code -c} summary as calls per connection, by syscall. */
    static Map<String, Double> parse(String summary, long connections) {
        Map<String, Double> calls = new TreeMap<>();
        for (String line : summary.split("\n")) {
            Matcher m = SUMMARY_LINE.matcher(line);
            if (m.matches() && !m.group(2).equals("total")) {
                calls.put(m.group(2), Long.parseLong(m.group(1)) / (double) connections);
            }
        }
        return calls;
    }

    private static void print(Map<String, Map<String, Double>> columns) {
        TreeSet<String> syscalls = new TreeSet<>();
        columns.values().forEach(c -> syscalls.addAll(c.keySet()));
        List<String> headings = new ArrayList<>(columns.keySet());
        System.out.println();
        System.out.println("| syscalls per connection | " + String.join(" | ", headings) + " |");
        System.out.println("|---" + "|---".repeat(headings.size()) + "|");
        for (String syscall : syscalls) {
            StringBuilder row = new StringBuilder("| " + syscall);
            for (Map<String, Double> column : columns.values()) {
                Double value = column.get(syscall);
                row.append(" | ").append(value == null || value < 0.005 ? "" : String.format(Locale.ROOT, "%.2f", value));
            }
            System.out.println(row + " |");
        }
        StringBuilder total = new StringBuilder("| **total**");
        for (Map<String, Double> column : columns.values()) {
            total.append(" | ").append(String.format(Locale.ROOT, "%.2f",
                    column.values().stream().mapToDouble(Double::doubleValue).sum()));
        }
        System.out.println(total + " |");
    }
}
