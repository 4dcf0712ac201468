package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.traffic.FlowServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The proxy under long and hostile use, each check with a fresh proxy in the same client — gateway — server
 * namespaces: many sequential short connections, many idle ones at once (memory), a black-holed destination
 * flood, a client that never reads, and a kill -9 with a restart. Prints each check's figures and whether it
 * passed; exits 1 when one did not. Not a timed test: it takes its figures, others judge them.
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

    @Option(names = "--transfers", defaultValue = "20", description = "Transfers under way when the proxy is killed (default ${DEFAULT-VALUE}).")
    int transfers;

    @Option(names = "--check-connections", defaultValue = "20000", description = "Short connections made beside the flood and after the restart (default ${DEFAULT-VALUE}).")
    long checkConnections;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SoakBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (quick) {
            applyQuickCounts();
        }
        ShortConnections load = new ShortConnections(tools);
        List<SoakCheck> checks = List.of(new SequentialSoak(connections), new IdleSoak(idleConnections),
                new BlackHoleSoak(flood, checkConnections), new SlowReaderSoak(downloads, downloadBytes),
                new KillRestartSoak(transfers, checkConnections, 10, downloadBytes));
        List<SoakOutcome> outcomes = new ArrayList<>();
        try (GatewayTopology net = GatewayTopology.build(true)) {
            ProxyBenchmark.recordPrefix(work, net);
            // Sequential connections from one client reuse its ports: the client resets, and has the whole range.
            net.client().sysctl("net.ipv4.ip_local_port_range", "1024 65535");
            load.startServer(net.server(), net.serverEnd().ipv4(), CPS_PORT, ShortConnections.Sharing.REUSEPORT,
                    work.resolve("cps-server.log"));
            try (FlowServer ignored = FlowServer.start(net.server(), net.serverEnd().ipv4(), FLOW_PORT)) {
                SoakContext context = new SoakContext(net, load, work, CPS_PORT, FLOW_PORT);
                for (SoakCheck check : checks) {
                    System.out.printf("%s ...%n", check.name());
                    SoakOutcome outcome;
                    try {
                        outcome = check.run(context);
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        // One check going wrong is its failure; the others still run.
                        outcome = new SoakOutcome(check.name(), false, List.of("error: " + e));
                    }
                    outcomes.add(outcome);
                    System.out.printf("%s: %s%n", outcome.check(), outcome.passed() ? "passed" : "FAILED");
                    outcome.figures().forEach(line -> System.out.println("  " + line));
                }
            }
        }
        long failed = outcomes.stream().filter(o -> !o.passed()).count();
        System.out.printf("%n%d of %d checks passed%n", outcomes.size() - failed, outcomes.size());
        return failed == 0 ? 0 : 1;
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
