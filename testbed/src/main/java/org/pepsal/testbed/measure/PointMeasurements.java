package org.pepsal.testbed.measure;

import org.pepsal.proxy.link.SatelliteCongestionControl;
import org.pepsal.testbed.measure.sockdiag.SocketRecord;
import org.pepsal.testbed.measure.sockdiag.SocketSampler;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.Scenario;
import org.pepsal.testbed.traffic.FlowResult;
import org.pepsal.testbed.traffic.Iperf3;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns everything one point's workload left ({@link WorkloadOutput}) into its rows: the links as configured,
 * the bulk transfer and how its streams shared the path, the flows or the user's command, the limits the
 * configuration sets (physical, the client's receive window), the senders' view per leg, the satellite link's
 * drops, and the links' health. The runner calls this once and records what it returns; nothing here runs
 * anything.
 */
public final class PointMeasurements {
    private PointMeasurements() {
    }

    public static Measured of(Point point, WorkloadOutput output) {
        Scenario scenario = point.scenario();
        Scenario.Bulk bulk = scenario.workload().bulk();
        boolean download = bulk == null || bulk.direction() == Scenario.Direction.DOWNLOAD;
        LinkFigures links = new LinkFigures(point.satelliteLink(), scenario.topology().terrestrial(), download);
        Legs legs = Legs.of(scenario.topology().shape(), point.mode().runsPeps());
        Measured measured = links.of(point);
        List<DataConnection> connections = connections(output, download);
        Optional<Bins.Grid> bins = Optional.empty();
        if (output.bulk() != null) {
            double offset = bulkStart(output, connections, download);
            bins = BulkMeasures.grid(output.bulk(), links.baseRttSeconds(), offset);
            measured = measured.plus(BulkMeasures.of(point, output.bulk(), bulk.fixedSize(),
                    t -> links.capacityAt(t + offset), links.baseRttSeconds(), offset));
        }
        if (!output.flows().isEmpty()) {
            measured = measured.plus(FlowMeasures.of(point, output.flows()));
        }
        if (output.bulk() != null) {
            // After the flows, so that results.csv's qualifier columns stay flow.size, flow.round, stream.
            measured = measured.plus(StreamMeasures.of(point, output.bulk()));
        }
        if (output.command() != null) {
            measured = measured.plus(CommandMeasures.of(point, scenario.workload().command(), output.command()));
        }
        List<Long> sizes = output.flows().stream().map(FlowResult::bytes).distinct().toList();
        measured = measured.plus(Limits.of(point, links, sizes, legs.clientEnd(), download,
                ReceiveWindow.of(output.clientTcp(), System.getProperty("os.version"))));
        Measured senders = SenderMeasures.of(point, legs, output.sockets(), connections,
                (host, leg) -> expectedCongestionControl(point, host, leg), output.scheduleStart(), bins);
        measured = measured.plus(senders);
        measured = measured.plus(ModelMeasures.of(point, links, measured.rows(), output.satelliteStats()));
        if (output.bulk() != null && senders.rows().stream().noneMatch(m -> m.metric().equals(Metrics.RETRANSMITS))) {
            // No sampled sockets (sock_diag unavailable): iperf3's own count of its sender's retransmissions.
            Legs.Leg sender = download ? legs.serverEnd() : legs.clientEnd();
            measured = measured.plus(new Measured(List.of(Measurement.of(point, sender.name(), Metrics.RETRANSMITS,
                    output.bulk().retransmits(), Metrics.COUNT).withNote("iperf3's count: no socket samples ("
                    + String.join("; ", output.samplerProblems()) + ")")), List.of()));
        }
        measured = measured.plus(LinkDrops.of(point, Legs.SATELLITE, output.satelliteStats()));
        measured = measured.plus(LinkHealth.of(point, Legs.SATELLITE, output.satelliteBackend(),
                output.satelliteStats(), scenario.health()));
        measured = measured.plus(LinkHealth.of(point, Legs.TERRESTRIAL, output.terrestrialBackend(),
                output.terrestrialStats(), scenario.health()));
        return measured.plus(new Measured(List.of(LinkHealth.point(point, measured.rows())), List.of()));
    }

    /**
     * Where iperf3's own clock starts on the workload's: iperf3 counts from its TEST_START, after its control
     * connection's exchanges (several RTTs over GEO). The client's data socket shows it: the first sample in
     * which it has received (a download) or sent (an upload) data, less half a sampling period. Without samples,
     * iperf3's launch.
     */
    static double bulkStart(WorkloadOutput output, List<DataConnection> connections, boolean download) {
        return output.sockets().stream()
                .filter(r -> r.info() != null && r.host().equals("client") && connections.stream()
                        .anyMatch(c -> c.bulk() && r.local().equals(c.client()) && r.remote().equals(c.server())))
                .filter(r -> download ? r.info().bytesReceived() > 0 : r.info().bytesSent() > 0)
                .mapToLong(SocketRecord::nanoTime).min()
                .stream().mapToDouble(t -> (t - output.scheduleStart()) / 1e9 - SocketSampler.PERIOD_MILLIS / 2e3)
                .map(t -> Math.max(t, output.bulkLaunchOffset())).findFirst().orElse(output.bulkLaunchOffset());
    }

    /** The workload's data connections: iperf3's streams (its control connection left out) and every flow. */
    static List<DataConnection> connections(WorkloadOutput output, boolean bulkDownload) {
        List<DataConnection> connections = new ArrayList<>();
        if (output.bulk() != null) {
            List<Iperf3.Connection> streams = output.bulk().connections();
            for (int i = 0; i < streams.size(); i++) {
                Iperf3.Connection c = streams.get(i);
                connections.add(new DataConnection(new InetSocketAddress(c.localHost(), c.localPort()),
                        new InetSocketAddress(c.remoteHost(), c.remotePort()), bulkDownload, true, i + 1));
            }
        }
        for (FlowResult flow : output.flows()) {
            if (flow.localPort() > 0) {
                connections.add(new DataConnection(new InetSocketAddress(output.clientAddress(), flow.localPort()),
                        new InetSocketAddress(output.serverAddress(), output.flowPort()), true, false, 0));
            }
        }
        return connections;
    }

    /**
     * The congestion controls the scenario allows for a leg's sender at a host: a PEP's socket takes its leg's
     * setting (the satellite leg's where its leg crosses the satellite link, else the ground leg's); a link-aware
     * PEP's satellite leg without one takes the proxy's choice, pepsal_sat or BBR (which one depends on what was
     * registered when the proxy started, and a registration is machine-wide, so either counts); otherwise its
     * host's default; an end host its own default. Empty where the scenario leaves the kernel's default.
     */
    static Set<String> expectedCongestionControl(Point point, String host, Legs.Leg leg) {
        Scenario scenario = point.scenario();
        boolean pep = point.mode().runsPeps() && (host.equals("gateway") || host.equals("terminal"));
        if (pep) {
            boolean satellite = leg.crosses(Legs.SATELLITE);
            String own = (satellite ? scenario.pep().satelliteLeg() : scenario.pep().groundLeg()).congestionControl();
            if (own != null) {
                return Set.of(own);
            }
            if (satellite && !scenario.pep().linkArguments(host.equals("gateway"), point.satelliteLink()).isEmpty()) {
                return Set.of(SatelliteCongestionControl.KNOWN_RATE, SatelliteCongestionControl.FALLBACK);
            }
        }
        String hostDefault = scenario.hosts().forRole(host).congestionControl();
        return hostDefault == null ? Set.of() : Set.of(hostDefault);
    }
}
