package org.pepsal.testbed.run;

import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.link.LinkBackend;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.measure.Environment;
import org.pepsal.testbed.measure.Measured;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.PointMeasurements;
import org.pepsal.testbed.measure.ReceiveWindow;
import org.pepsal.testbed.measure.Sample;
import org.pepsal.testbed.measure.WorkloadOutput;
import org.pepsal.testbed.measure.sockdiag.SocketRecord;
import org.pepsal.testbed.measure.sockdiag.SocketSampler;
import org.pepsal.testbed.report.PointRecord;
import org.pepsal.testbed.report.RunMetadata;
import org.pepsal.testbed.report.RunOutput;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.Scenario;
import org.pepsal.testbed.topology.ManagedProcess;
import org.pepsal.testbed.topology.SatelliteTopology;
import org.pepsal.testbed.traffic.FlowClient;
import org.pepsal.testbed.traffic.FlowResult;
import org.pepsal.testbed.traffic.FlowServer;
import org.pepsal.testbed.traffic.Iperf3;
import org.pepsal.testbed.traffic.UserCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One point, self-contained: build its topology, set its routes' windows, calibrate the satellite link (fully on
 * the link's first point in the run, its latency on the later ones), start the PEP(s) when its mode runs them,
 * sample the senders' sockets, start the link's schedule with the workload, run it, read the links' statistics,
 * tear everything down, and hand what it got to {@link PointMeasurements}. A point that fails — calibration out of
 * tolerance, a tool that failed, a sender with the wrong congestion control — returns its reason instead of
 * throwing; everything it writes goes to the point's folder.
 */
final class PointRunner {
    private static final int FLOW_PORT = 8080;

    private final LinkBackend backend;
    private final RunOutput output;
    /**
     * Satellite links (their configuration, the random seed aside) a full calibration of this run has passed, each
     * with the point that passed it: a later point on the same link checks its latency only.
     */
    private final Map<LinkSpec, String> calibrated = new HashMap<>();

    PointRunner(LinkBackend backend, RunOutput output) {
        this.backend = backend;
        this.output = output;
    }

    /** What a point got before it ended, failed or not. */
    private static final class Progress {
        Calibration.Report calibration;
        List<Measurement> rows = List.of();
        List<Sample> samples = List.of();
    }

    PointRecord run(Point point) {
        Instant started = Instant.now();
        String load = RunMetadata.loadAverage();
        Progress progress = new Progress();
        String failure;
        String trace = null;
        try {
            failure = attempt(point, output.pointDir(point), progress);
        } catch (Calibration.CalibrationFailedException e) {
            failure = "calibration: the emulated link is not what the scenario says, so the point measured nothing:\n"
                    + e.report().table();
        } catch (RuntimeException e) {
            failure = Failures.describe(e);
            trace = Failures.stackTrace(e);
        }
        return new PointRecord(point, started, Instant.now(), load, progress.rows, progress.samples,
                progress.calibration, failure, trace);
    }

    /** @return why the measurements do not count (a wrong congestion control, an unhealthy link), or null */
    private String attempt(Point point, Path dir, Progress progress) {
        try (PointEnvironment environment = build(point, dir, progress)) {
            SatelliteTopology topology = environment.topology();
            Map<String, List<String>> commands = new LinkedHashMap<>(environment.pepCommands());
            WorkloadOutput workload = runWorkload(point, topology, dir, commands);
            // SIGTERM lets the proxy drain and write its last flow records.
            environment.stopPeps(Duration.ofSeconds(30));
            RunMetadata.JSON_WRITER.writeValue(dir.resolve("environment.json").toFile(), Map.of("commands", commands,
                    "hosts", Environment.capture(topology.topology().hosts()),
                    "socketSamplerProblems", workload.samplerProblems()));
            Measured measured = PointMeasurements.of(point, workload);
            progress.rows = measured.rows();
            progress.samples = measured.samples();
            return measured.failures().isEmpty() ? null : String.join("\n", measured.failures());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The point's environment, its calibration kept for the record also when it failed. The first point on a link
     * calibrates it fully; the later ones measure the path's own latency and the RTT only.
     */
    private PointEnvironment build(Point point, Path dir, Progress progress) {
        LinkSpec spec = point.satelliteLink();
        LinkSpec link = new LinkSpec(spec.aToB(), spec.bToA(), spec.schedule(), 0);
        String passed = calibrated.get(link);
        Optional<Calibration.Scope> scope = !point.scenario().calibration().enabled() ? Optional.empty()
                : Optional.of(passed == null ? Calibration.Scope.FULL : Calibration.Scope.LATENCY);
        String note = passed == null ? "" : "rate and loss: measured on this link's configuration before " + passed
                + " (calibration.txt there); here the latency only\n";
        try {
            PointEnvironment environment = PointEnvironment.build(point, backend, dir, scope, note);
            progress.calibration = environment.calibration().orElse(null);
            if (scope.equals(Optional.of(Calibration.Scope.FULL))) {
                calibrated.put(link, point.id());
            }
            return environment;
        } catch (Calibration.CalibrationFailedException e) {
            progress.calibration = e.report();
            throw e;
        }
    }

    /**
     * A command workload's server, when it has one, started in the server host before the workload (its start-up,
     * a JVM's say, is no part of the client's time nor of the schedule's), and stopped with its children after it.
     */
    private static WorkloadOutput runWorkload(Point point, SatelliteTopology topology, Path dir,
                                              Map<String, List<String>> commands) {
        Scenario.Command command = point.scenario().workload().command();
        if (command == null || command.server() == null) {
            return measureWorkload(point, topology, dir, commands);
        }
        Map<String, String> variables = UserCommand.environment(topology.serverAddress(), topology.clientAddress());
        commands.put("command server", UserCommand.shellCommand(variables, command.server()));
        ManagedProcess server = UserCommand.startServer(topology.server(), variables, command.server(),
                dir.resolve("command-server.log"));
        try {
            return measureWorkload(point, topology, dir, commands);
        } finally {
            UserCommand.stop(server.process());
        }
    }

    /**
     * The workload with the senders' sockets sampled and the links' statistics read after it. The links' workload
     * starts with it: traces and steps are timed from its start, the loss and jitter streams are reseeded there
     * (plain and split of one repetition see the same loss positions, whatever calibration drew), and the
     * statistics count from there.
     */
    private static WorkloadOutput measureWorkload(Point point, SatelliteTopology topology, Path dir,
                                                  Map<String, List<String>> commands) {
        Scenario.Workload workload = point.scenario().workload();
        int iperfPort = Iperf3.nextPort();
        List<SocketRecord> sockets;
        List<String> problems;
        Iperf3.Result bulkResult = null;
        List<FlowResult> flows = List.of();
        UserCommand.Outcome command = null;
        long scheduleStart;
        double launchOffset;
        try (SocketSampler sampler = SocketSampler.start(topology.topology().hosts(), Set.of(iperfPort, FLOW_PORT))) {
            scheduleStart = topology.satelliteLink().startSchedule();
            topology.terrestrialLink().startSchedule();
            launchOffset = (System.nanoTime() - scheduleStart) / 1e9;
            CompletableFuture<Iperf3.Result> bulk = workload.bulk() == null ? null : CompletableFuture.supplyAsync(() ->
                    Iperf3.run(topology.client(), topology.server(), topology.serverAddress(), iperfPort,
                            workload.bulk().transfer(null), dir));
            if (workload.flows() != null) {
                Scenario.Flows spec = workload.flows();
                try (FlowServer server = FlowServer.start(topology.server(), topology.serverAddress(), FLOW_PORT);
                     FlowClient client = new FlowClient(topology.client())) {
                    flows = client.downloads(topology.serverAddress(), FLOW_PORT, spec.sizesBytes(), spec.repeat(),
                            spec.timeout());
                }
                commands.put("flows", List.of("FlowClient (in the client's namespace) downloads " + spec.sizesBytes()
                        + " B × " + spec.repeat() + " from " + topology.serverAddress() + ":" + FLOW_PORT
                        + ", timeout " + spec.timeout().toSeconds() + " s each"));
            }
            if (workload.command() != null) {
                Map<String, String> variables = UserCommand.environment(topology.serverAddress(), topology.clientAddress());
                commands.put("command client", UserCommand.shellCommand(variables, workload.command().client()));
                command = UserCommand.run(topology.client(), variables, workload.command().client(),
                        workload.command().timeout(), dir.resolve("command-stdout.txt"), dir.resolve("command-stderr.txt"));
            }
            if (bulk != null) {
                try {
                    bulkResult = bulk.join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
                }
                commands.put("iperf3 client", bulkResult.clientCommand());
                commands.put("iperf3 server", bulkResult.serverCommand());
            }
            sockets = sampler.stop();
            problems = sampler.problems();
        }
        return new WorkloadOutput(bulkResult, flows, command, topology.clientAddress(), topology.serverAddress(),
                FLOW_PORT, sockets, problems, scheduleStart, launchOffset, topology.satelliteLink().backend(),
                topology.satelliteLink().stats(), topology.terrestrialLink().backend(), topology.terrestrialLink().stats(),
                ReceiveWindow.read(topology.client()));
    }
}
