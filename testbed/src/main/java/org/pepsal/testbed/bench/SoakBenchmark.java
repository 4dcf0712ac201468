package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.traffic.FlowServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The proxy under long and hostile use, each check with a fresh proxy in the same client — gateway — server
 * namespaces: many sequential short connections (and the same load routed, without the proxy, as the control),
 * many idle ones at once (memory), a black-holed destination flood, a client that never reads, a kill -9 with a
 * restart, and a SIGTERM restart under load. Prints each check's criterion, its figures (with the kernel's TCP
 * counters of each namespace) and whether it passed, or what it did not meet; exits 1 when one did not. Not a
 * timed test: it takes its figures, others judge them.
 */
@Command(name = "soak-proxy", mixinStandardHelpOptions = true,
        description = "Soak and fault checks of the proxy; prints figures, exits 1 when a check fails.")
public final class SoakBenchmark implements Callable<Integer> {
    private static final int CPS_PORT = 7300;
    private static final int FLOW_PORT = 7310;

    @Spec
    CommandSpec spec;

    @Option(names = "--tools", required = true, description = "Folder with the compiled cps-client and cps-server.")
    Path tools;

    @Option(names = "--work", required = true, description = "Folder for logs (the script's temporary one).")
    Path work;

    @Option(names = "--quick", description = "Small counts, for a functional check of the script (each count "
            + "given explicitly still wins): 2,000 sequential, 200 idle, a flood of 600, 10 downloads of 1 MiB "
            + "and 4 stalled transfers, 500 connections per fault check.")
    boolean quick;

    @Option(names = "--connections", defaultValue = "1000000", description = "Sequential short connections (default ${DEFAULT-VALUE}).")
    long connections;

    @Option(names = "--idle-connections", defaultValue = "10000", description = "Connections held open at once (default ${DEFAULT-VALUE}; the proxy needs two descriptors each).")
    int idleConnections;

    @Option(names = "--flood", defaultValue = "2000", description = "Connections the flooding host opens to the black hole (default ${DEFAULT-VALUE}).")
    int flood;

    @Option(names = "--downloads", defaultValue = "100", description = "Concurrent downloads beside the client that never reads (default ${DEFAULT-VALUE}).")
    int downloads;

    @Option(names = "--download-bytes", defaultValue = "4194304", description = "Bytes per download (default ${DEFAULT-VALUE}).")
    long downloadBytes;

    @Option(names = "--transfers", defaultValue = "20", description = "Transfers under way when the proxy is killed or stopped (default ${DEFAULT-VALUE}).")
    int transfers;

    @Option(names = "--check-connections", defaultValue = "20000", description = "Short connections made beside the flood and after the restart (default ${DEFAULT-VALUE}).")
    long checkConnections;

    @Option(names = "--check", paramLabel = "NAME", split = ",", description = "Run only these checks (default: "
            + "all): routed, sequential, idle, black-hole, slow-reader, kill, term.")
    List<String> only = List.of();

    @Option(names = "--flow-log", description = "Each proxy writes a flow log (every connection's end and why) "
            + "into its check's folder; with --keep, to match a failed connection's client port.")
    boolean flowLog;

    @Option(names = "--keep", paramLabel = "DIR", description = "Copy each check's logs (the client's account of "
            + "every failed connection, the proxies' logs and flow logs) into DIR when the run ends.")
    Path keep;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SoakBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (quick) {
            applyQuickCounts();
        }
        ShortConnections load = new ShortConnections(tools);
        Map<String, SoakCheck> all = new LinkedHashMap<>();
        all.put("routed", new SequentialSoak(connections, true));
        all.put("sequential", new SequentialSoak(connections, false));
        all.put("idle", new IdleSoak(idleConnections));
        all.put("black-hole", new BlackHoleSoak(flood, checkConnections));
        all.put("slow-reader", new SlowReaderSoak(downloads, downloadBytes));
        all.put("kill", new KillRestartSoak(transfers, checkConnections, 10, downloadBytes));
        all.put("term", new TermRestartSoak(transfers, Duration.ofSeconds(20)));
        for (String name : only) {
            if (!all.containsKey(name)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--check: no check '" + name
                        + "' (there are " + String.join(", ", all.keySet()) + ")");
            }
        }
        List<SoakCheck> checks = all.entrySet().stream().filter(e -> only.isEmpty() || only.contains(e.getKey()))
                .map(Map.Entry::getValue).toList();
        List<SoakOutcome> outcomes = new ArrayList<>();
        try {
            runChecks(load, checks, outcomes);
        } finally {
            if (keep != null) {
                keepLogs();
            }
        }
        long failed = outcomes.stream().filter(o -> !o.passed()).count();
        System.out.printf("%n%d of %d checks passed%n", outcomes.size() - failed, outcomes.size());
        return failed == 0 ? 0 : 1;
    }

    private void runChecks(ShortConnections load, List<SoakCheck> checks, List<SoakOutcome> outcomes) throws InterruptedException {
        try (GatewayTopology net = GatewayTopology.build(true)) {
            ProxyBenchmark.recordPrefix(work, net);
            // Sequential connections from one client reuse its ports: the client resets, and has the whole range.
            net.client().sysctl("net.ipv4.ip_local_port_range", "1024 65535");
            load.startServer(net.server(), net.serverEnd().ipv4(), CPS_PORT, ShortConnections.Sharing.REUSEPORT,
                    work.resolve("cps-server.log"));
            try (FlowServer ignored = FlowServer.start(net.server(), net.serverEnd().ipv4(), FLOW_PORT)) {
                SoakContext context = new SoakContext(net, load, work, CPS_PORT, FLOW_PORT, flowLog);
                for (SoakCheck check : checks) {
                    System.out.printf("%s (passes when %s) ...%n", check.name(), check.criterion());
                    SoakOutcome outcome;
                    NetCounters counters = NetCounters.start(net);
                    try {
                        outcome = check.run(context);
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        // One check going wrong is its failure; the others still run.
                        outcome = new SoakOutcome(check.name(), List.of("it went wrong: " + e), List.of());
                    }
                    // What the kernels counted meanwhile: the evidence for a failure's cause, or for its absence.
                    outcome = outcome.withFigures(counters.grown());
                    outcomes.add(outcome);
                    System.out.printf("%s: %s%n", outcome.check(), outcome.passed() ? "passed"
                            : "FAILED: " + String.join("; ", outcome.unmet()));
                    outcome.figures().forEach(line -> System.out.println("  " + line));
                }
            }
        }
    }

    /** Copies the logs of the run (not the compiled tools) from the temporary folder into {@link #keep}. */
    private void keepLogs() throws IOException {
        try (Stream<Path> files = Files.walk(work)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !Files.isExecutable(f)).toList()) {
                Path copy = keep.resolve(work.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.out.println("logs kept in " + keep);
    }

    private void applyQuickCounts() {
        var parsed = spec.commandLine().getParseResult();
        if (!parsed.hasMatchedOption("--connections")) {
            connections = 2000;
        }
        if (!parsed.hasMatchedOption("--idle-connections")) {
            idleConnections = 200;
        }
        if (!parsed.hasMatchedOption("--flood")) {
            flood = 600;
        }
        if (!parsed.hasMatchedOption("--downloads")) {
            downloads = 10;
        }
        if (!parsed.hasMatchedOption("--download-bytes")) {
            downloadBytes = 1 << 20;
        }
        if (!parsed.hasMatchedOption("--transfers")) {
            transfers = 4;
        }
        if (!parsed.hasMatchedOption("--check-connections")) {
            checkConnections = 500;
        }
    }

}
