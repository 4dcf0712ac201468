package org.pepsal.testbed.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.link.LinkBackend;
import org.pepsal.testbed.measure.Legs;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Measurements;
import org.pepsal.testbed.report.RunOutput;
import org.pepsal.testbed.measure.Sample;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.Scenario;
import org.pepsal.testbed.topology.PepProcess;
import org.pepsal.testbed.topology.SatelliteTopology;
import org.pepsal.testbed.traffic.FlowClient;
import org.pepsal.testbed.traffic.FlowResult;
import org.pepsal.testbed.traffic.FlowServer;
import org.pepsal.testbed.traffic.Iperf3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One point, self-contained: build its topology, calibrate the satellite link, start the PEP(s) when split, run
 * the workload, collect the measurements, tear everything down. Everything it writes goes to the point's folder.
 */
final class PointRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FLOW_PORT = 8080;

    private final LinkBackend backend;
    private final RunOutput output;

    PointRunner(LinkBackend backend, RunOutput output) {
        this.backend = backend;
        this.output = output;
    }

    void run(Point point) {
        Scenario scenario = point.scenario();
        Path dir = output.pointDir(point);
        try (SatelliteTopology topology = SatelliteTopology.build(scenario.topology().shape(), point.satelliteLink(),
                scenario.topology().terrestrial(), backend, scenario.hosts()::forRole)) {
            Calibration.Report calibration = null;
            if (scenario.calibration().enabled()) {
                calibration = Calibration.run(topology.satelliteLink(), scenario.calibration().tolerances(),
                        Calibration.Effort.BEFORE_EXPERIMENT);
                Files.writeString(dir.resolve("calibration.txt"), calibration.table());
                calibration.requirePassed();
            }
            List<RunningPep> peps = new ArrayList<>();
            if (point.mode().runsPeps()) {
                for (SatelliteTopology.PepSite site : topology.pepSites()) {
                    peps.add(startPep(topology, site, scenario, dir));
                }
            }
            topology.satelliteLink().startSchedule();
            List<Measurement> measurements = new ArrayList<>();
            List<Sample> samples = new ArrayList<>();
            runWorkload(point, topology, dir, measurements, samples);
            for (RunningPep pep : peps) {
                // SIGTERM lets the proxy drain and write its last flow records before they are read.
                pep.process().terminate(Duration.ofSeconds(30));
                measurements.addAll(satelliteLegMetrics(point, pep));
            }
            output.record(point, measurements, samples, calibration);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A proxy started at one PEP site, and where it logs its flows. */
    private record RunningPep(String site, PepProcess process, Path flowLog) {
    }

    private static RunningPep startPep(SatelliteTopology topology, SatelliteTopology.PepSite site,
                                       Scenario scenario, Path dir) {
        boolean atGateway = site.host() == topology.gateway();
        PepProcess.divert(site.host(), site.acceptingDevice(topology.gateway()));
        Path flowLog = dir.resolve("flows-" + site.host().role() + ".jsonl");
        List<String> arguments = new ArrayList<>(scenario.pep().arguments(atGateway));
        arguments.addAll(List.of("--flow-log", flowLog.toString(), "-p", Integer.toString(PepProcess.PORT)));
        PepProcess process = PepProcess.start(site.host(), dir.resolve("pep-" + site.host().role()), arguments);
        return new RunningPep(site.host().role(), process, flowLog);
    }

    private static void runWorkload(Point point, SatelliteTopology topology, Path dir, List<Measurement> measurements,
                                    List<Sample> samples) {
        Scenario.Workload workload = point.scenario().workload();
        CompletableFuture<Iperf3.Result> bulk = workload.bulk() == null ? null : CompletableFuture.supplyAsync(() ->
                Iperf3.run(topology.client(), topology.server(), topology.serverAddress(),
                        workload.bulk().transfer(null), dir));
        if (workload.flows() != null) {
            Scenario.Flows flows = workload.flows();
            try (FlowServer server = FlowServer.start(topology.server(), topology.serverAddress(), FLOW_PORT);
                 FlowClient client = new FlowClient(topology.client())) {
                List<FlowResult> results = client.downloads(topology.serverAddress(), FLOW_PORT, flows.sizesBytes(),
                        flows.repeat(), flows.timeout());
                measurements.addAll(Measurements.flows(point, results));
            }
        }
        if (bulk != null) {
            Iperf3.Result result = bulk.join();
            Legs legs = Legs.of(point.scenario().topology().shape(), point.mode().runsPeps());
            boolean download = workload.bulk().direction() == Scenario.Direction.DOWNLOAD;
            measurements.addAll(Measurements.bulk(point, result, (download ? legs.serverEnd() : legs.clientEnd()).name()));
            samples.addAll(Measurements.bulkTimeseries(point, result));
        }
    }

    /**
     * What the PEP saw of its satellite leg, from its flow log: retransmissions and the smoothed RTT (the leg the
     * PEP recovers losses on). At the gateway that leg is the accepted one, at a terminal the one it opened.
     */
    private static List<Measurement> satelliteLegMetrics(Point point, RunningPep pep) throws IOException {
        if (!Files.exists(pep.flowLog())) {
            return List.of();
        }
        String site = pep.site();
        String leg = site.equals("gateway") ? "clientLeg" : "serverLeg";
        long retransmits = 0;
        double rttSum = 0;
        int flows = 0;
        for (String line : Files.readAllLines(pep.flowLog())) {
            JsonNode info = JSON.readTree(line).path(leg);
            if (info.isObject()) {
                retransmits += info.path("totalRetrans").asLong();
                rttSum += info.path("rttUs").asDouble() / 1e6;
                flows++;
            }
        }
        if (flows == 0) {
            return List.of();
        }
        return List.of(Measurement.of(point, Legs.SATELLITE, "pep_" + site + "_retransmits", retransmits, "count"),
                Measurement.of(point, Legs.SATELLITE, "pep_" + site + "_rtt", rttSum / flows, "s"));
    }
}
