package org.pepsal.testbed.measure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.measure.sockdiag.SocketRecord;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.topology.SatelliteTopology;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SenderMeasuresTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("10.200.1.2", 40001);
    private static final InetSocketAddress CONTROL = new InetSocketAddress("10.200.1.2", 40000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("10.200.2.1", 5201);

    @TempDir
    Path dir;

    @Test
    void legsFollowTheShapeAndTheMode() {
        assertThat(Legs.of(SatelliteTopology.Shape.SINGLE_PEP, false).legs()).extracting(Legs.Leg::name)
                .containsExactly(Legs.END_TO_END);
        assertThat(Legs.of(SatelliteTopology.Shape.SINGLE_PEP, true).legs()).extracting(Legs.Leg::name)
                .containsExactly(Legs.SATELLITE, Legs.TERRESTRIAL);
        Legs distributed = Legs.of(SatelliteTopology.Shape.DISTRIBUTED_PEP, true);
        assertThat(distributed.legs()).extracting(Legs.Leg::name).containsExactly(Legs.LAN, Legs.SATELLITE, Legs.TERRESTRIAL);
        assertThat(distributed.legOf("terminal", false).orElseThrow().name()).isEqualTo(Legs.SATELLITE);
        assertThat(distributed.legOf("terminal", true).orElseThrow().name()).isEqualTo(Legs.LAN);
        assertThat(distributed.satellite().serverSide()).isEqualTo("gateway");
    }

    @Test
    void eachLegsSenderCountsAndTheControlConnectionDoesNot() throws Exception {
        Point split = MeasureFixture.point(MeasureFixture.points(dir, ""), "v01-split-r1");
        List<SocketRecord> records = new ArrayList<>();
        for (int s = 1; s <= 10; s++) {
            long t = 2_000_000_000L + s * 100_000_000L;
            // The PEP's satellite-side socket (accepted: the server's address) sends; BBR.
            records.add(new SocketRecord(t, "gateway", SERVER, CLIENT, 1, "bbr",
                    MeasureFixture.tcpInfo(100 * s, 650_000, s, 1000 * s, 100_000L * s, 10_000L * s, 0, 1448L * 1000 * s)));
            // The server's socket sends on the terrestrial leg; CUBIC.
            records.add(new SocketRecord(t, "server", SERVER, CLIENT, 1, "cubic",
                    MeasureFixture.tcpInfo(50, 10_000, 0, 1100 * s, 100_000L * s, 80_000L * s, 0, 1448L * 1100 * s)));
            // The client's receiving socket, and iperf3's control connection at the server: neither is a sender here.
            records.add(new SocketRecord(t, "client", CLIENT, SERVER, 1, "cubic",
                    MeasureFixture.tcpInfo(10, 650_000, 0, 1, 0, 0, 1448L * 1000 * s, 0)));
            records.add(new SocketRecord(t, "server", SERVER, CONTROL, 1, "cubic",
                    MeasureFixture.tcpInfo(10, 650_000, 99, 99, 0, 0, 0, 500)));
        }
        List<DataConnection> data = List.of(new DataConnection(CLIENT, SERVER, true, true, 1));

        Measured measured = SenderMeasures.of(split, Legs.of(SatelliteTopology.Shape.SINGLE_PEP, true), records, data,
                (host, leg) -> PointMeasurements.expectedCongestionControl(split, host, leg), 2_000_000_000L,
                Optional.empty());

        assertThat(value(measured, Legs.SATELLITE, Metrics.RETRANSMITS)).isEqualTo(10);
        assertThat(value(measured, Legs.SATELLITE, Metrics.RETRANSMISSION_RATE)).isEqualTo(10 / 10_000.0);
        assertThat(value(measured, Legs.SATELLITE, Metrics.RWND_LIMITED)).isEqualTo(0.1);
        assertThat(value(measured, Legs.SATELLITE, Metrics.RECEIVE_WINDOW_ADVERTISED)).isEqualTo(TcpInfos.ADVERTISED_WINDOW);
        assertThat(value(measured, Legs.TERRESTRIAL, Metrics.RETRANSMITS)).isZero();
        assertThat(value(measured, Legs.TERRESTRIAL, Metrics.RWND_LIMITED)).isEqualTo(0.8);
        assertThat(measured.rows()).filteredOn(m -> m.metric().equals(Metrics.CONGESTION_CONTROL))
                .extracting(m -> m.leg() + "=" + m.state()).containsExactlyInAnyOrder("satellite=bbr", "terrestrial=cubic");
        assertThat(measured.failures()).isEmpty();
        // The time series is the satellite-side sender's, from the workload's start.
        assertThat(measured.samples()).allMatch(s -> s.measurement().leg().equals(Legs.SATELLITE));
        assertThat(measured.samples()).filteredOn(s -> s.measurement().metric().equals(Metrics.CWND))
                .extracting(Sample::seconds).startsWith(0.1, 0.2);
        assertThat(measured.samples()).filteredOn(s -> s.measurement().metric().equals(Metrics.RWND_LIMITED))
                .allMatch(s -> Math.abs(s.measurement().value() - 0.1) < 1e-9);
    }

    @Test
    void aSenderThatRanAnotherCongestionControlFailsThePoint() throws Exception {
        Point split = MeasureFixture.point(MeasureFixture.points(dir, ""), "v01-split-r1");
        List<SocketRecord> records = List.of(new SocketRecord(1, "gateway", SERVER, CLIENT, 1, "cubic",
                MeasureFixture.tcpInfo(10, 650_000, 0, 10, 0, 0, 0, 14480)));

        Measured measured = SenderMeasures.of(split, Legs.of(SatelliteTopology.Shape.SINGLE_PEP, true), records,
                List.of(new DataConnection(CLIENT, SERVER, true, true, 1)),
                (host, leg) -> PointMeasurements.expectedCongestionControl(split, host, leg), 0, Optional.empty());

        assertThat(measured.failures()).containsExactly(
                "the satellite leg's sender at the gateway ran cubic, but the scenario configures bbr");
    }

    @Test
    void aLinkAwareSatelliteLegWithoutAnAlgorithmMayRunEitherOfTheProxysChoices() throws Exception {
        Legs single = Legs.of(SatelliteTopology.Shape.SINGLE_PEP, true);
        Legs.Leg satellite = single.legOf("gateway", true).orElseThrow();
        Legs.Leg ground = single.legOf("gateway", false).orElseThrow();
        Point aware = MeasureFixture.point(MeasureFixture.points(dir, "{linkAware: true}", ""), "v01-split-r1");
        assertThat(PointMeasurements.expectedCongestionControl(aware, "gateway", satellite))
                .containsExactlyInAnyOrder("pepsal_sat", "bbr");
        // The ground leg, and a PEP not told the link, keep the hosts' default.
        assertThat(PointMeasurements.expectedCongestionControl(aware, "gateway", ground)).containsExactly("cubic");
        Point unaware = MeasureFixture.point(MeasureFixture.points(dir, "{linkAware: false}", ""), "v01-split-r1");
        assertThat(PointMeasurements.expectedCongestionControl(unaware, "gateway", satellite)).containsExactly("cubic");

        // The proxy fell back to the system's default: the point fails, naming both choices.
        List<SocketRecord> records = List.of(new SocketRecord(1, "gateway", SERVER, CLIENT, 1, "cubic",
                MeasureFixture.tcpInfo(10, 650_000, 0, 10, 0, 0, 0, 14480)));
        Measured measured = SenderMeasures.of(aware, single, records,
                List.of(new DataConnection(CLIENT, SERVER, true, true, 1)),
                (host, leg) -> PointMeasurements.expectedCongestionControl(aware, host, leg), 0, Optional.empty());
        assertThat(measured.failures()).containsExactly(
                "the satellite leg's sender at the gateway ran cubic, but the scenario configures bbr or pepsal_sat");
    }

    @Test
    void theSatelliteSendersDeliveryPerBinIsSummedOverTheStreamsAndHeldToTheLinkRate() throws Exception {
        Point split = MeasureFixture.point(MeasureFixture.points(dir, ""), "v01-split-r1");
        InetSocketAddress second = new InetSocketAddress("10.200.1.2", 40002);
        List<SocketRecord> records = new ArrayList<>();
        // Two streams' PEP sockets, sampled every 100 ms from 0.05 s to 4.05 s: 600 + 1000 segments of 1448 B a second
        // delivered (acknowledged or SACKed), 18.5 Mbit/s together on a 20 Mbit/s link.
        for (int s = 0; s <= 40; s++) {
            long t = 1_000_000_000L + s * 100_000_000L + 50_000_000L;
            records.add(new SocketRecord(t, "gateway", SERVER, CLIENT, 1, "bbr", TcpInfos.delivered(1 + 60L * s, 1448)));
            records.add(new SocketRecord(t, "gateway", SERVER, second, 1, "bbr", TcpInfos.delivered(1 + 100L * s, 1448)));
        }
        List<DataConnection> data = List.of(new DataConnection(CLIENT, SERVER, true, true, 1),
                new DataConnection(second, SERVER, true, true, 2));

        // The receiver's bins: 1.5 s from 0.05 s after the first sample, to 5.0 s; the samples cover two of them.
        Measured measured = SenderMeasures.of(split, Legs.of(SatelliteTopology.Shape.SINGLE_PEP, true), records, data,
                (host, leg) -> Set.of(), 1_000_000_000L, Optional.of(new Bins.Grid(0.1, 1.5, 5.0)));

        List<Sample> delivered = measured.samples().stream()
                .filter(s -> s.measurement().metric().equals(Metrics.DELIVERED_GOODPUT)).toList();
        assertThat(delivered).extracting(Sample::seconds).containsExactly(1.6, 3.1);
        assertThat(delivered).allMatch(s -> s.binSeconds() == 1.5 && s.measurement().leg().equals(Legs.SATELLITE)
                && s.measurement().parameters().get(Metrics.STREAM) == null);
        assertThat(delivered).allSatisfy(s -> assertThat(s.measurement().value())
                .isCloseTo(1600 * 1448 * 8.0, within(1.0)).isLessThan(20e6));
    }

    private static double value(Measured measured, String leg, String metric) {
        return measured.rows().stream().filter(m -> m.leg().equals(leg) && m.metric().equals(metric))
                .findFirst().orElseThrow(() -> new AssertionError("no " + metric + " on " + leg)).value();
    }
}
