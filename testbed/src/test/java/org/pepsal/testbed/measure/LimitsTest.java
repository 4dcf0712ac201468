package org.pepsal.testbed.measure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.topology.SatelliteTopology;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The limits computed from a point's link and its client's settings. */
class LimitsTest {
    @TempDir
    Path dir;

    @Test
    void thePhysicalLimitIsTwoRoundTripsAndTheSerialisation() {
        // The issue's own figures: 20 Mbit/s, 600 ms: 1 MB in 1.6 s, 10 MB in 5.2 s.
        assertThat(Limits.physicalLimit(1_000_000, 0.6, 20e6)).isCloseTo(1.6, within(1e-9));
        assertThat(Limits.physicalLimit(10_000_000, 0.6, 20e6)).isCloseTo(5.2, within(1e-9));
    }

    @Test
    void aSinglePepsClientWindowLimitsTheSatelliteLegOnly() throws Exception {
        Point split = MeasureFixture.point(MeasureFixture.points(dir, ""), "v01-split-r1");
        LinkFigures links = new LinkFigures(split.satelliteLink(), split.scenario().topology().terrestrial(), true);
        // A 64 KiB window (no window scaling) over a 600 ms satellite leg: 65535 * 8 / 0.6 ≈ 874 kbit/s.
        Optional<ReceiveWindow> window = ReceiveWindow.of(Map.of("net.ipv4.tcp_rmem", "4096 131072 6291456",
                "net.ipv4.tcp_window_scaling", "0"), "6.18.0");
        Legs single = Legs.of(SatelliteTopology.Shape.SINGLE_PEP, true);

        Measured measured = Limits.of(split, links, List.of(1_000_000L), single.clientEnd(), true, window);

        double rtt = links.baseRttSeconds();
        assertThat(value(measured, Metrics.PHYSICAL_LIMIT, Legs.END_TO_END)).isCloseTo(2 * rtt + 0.4, within(1e-9));
        assertThat(value(measured, Metrics.RECEIVE_WINDOW, Legs.SATELLITE)).isEqualTo(65_535);
        double rate = 65_535 * 8 / 0.6;
        assertThat(value(measured, Metrics.RECEIVE_WINDOW_RATE, Legs.SATELLITE)).isCloseTo(rate, within(1e-6));
        // Without scaling the window never opens past 64 KiB: two RTTs, then a 600 ms round per 65535 B window
        // while the rest is larger: 15 full windows, then 16,975 B at the link's rate.
        double dataRate = links.dataRateBitsPerSecond();
        assertThat(value(measured, Metrics.RECEIVE_WINDOW_LIMIT, Legs.SATELLITE))
                .isCloseTo(2 * rtt + 15 * 0.6 + (1_000_000 - 15 * 65_535) * 8 / dataRate, within(1e-6));
        assertThat(measured.rows()).filteredOn(m -> m.metric().equals(Metrics.RECEIVE_WINDOW_LIMIT))
                .allMatch(m -> m.parameters().get(Metrics.FLOW_SIZE).equals("1000000"));

        // A distributed PEP's client talks to the terminal over the LAN: its window does not meet the satellite.
        Legs distributed = Legs.of(SatelliteTopology.Shape.DISTRIBUTED_PEP, true);
        assertThat(Limits.of(split, links, List.of(1_000_000L), distributed.clientEnd(), true, window).rows())
                .extracting(Measurement::metric).containsExactly(Metrics.PHYSICAL_LIMIT);
        // Plain TCP: the client's leg is the whole path, over the whole base RTT.
        Legs plain = Legs.of(SatelliteTopology.Shape.SINGLE_PEP, false);
        assertThat(value(Limits.of(split, links, List.of(), plain.clientEnd(), true, window),
                Metrics.RECEIVE_WINDOW_RATE, Legs.END_TO_END)).isCloseTo(65_535 * 8 / rtt, within(1e-6));
    }

    @Test
    void aTimedDownloadBehindAStockClientAveragesAtMostWhatItsGrowingWindowLetsThrough() throws Exception {
        ReceiveWindow stock = ReceiveWindow.of(Map.of("net.ipv4.tcp_rmem", "4096 131072 67108864"), "6.18.0")
                .orElseThrow();
        // quick-geo: 20 Mbit/s less headers and 1 % loss is 19.11 Mbit/s of goodput, a 1.43 MB BDP over 600 ms.
        double capacity = 20e6 * 1448 / 1500 * 0.99;
        // One stream: windows of 64 KiB .. 1 MiB in five rounds (2,031,616 B in 3 s), then 17 s at the capacity:
        // 17.06 Mbit/s over 20 s, 85.3 % of the link.
        double one = Limits.windowGoodputLimit(20, 1, 0.6, capacity, stock);
        assertThat(one).isCloseTo((2_031_616 * 8 + 17 * capacity) / 20, within(1e-6));
        assertThat(one / 20e6).isCloseTo(0.853, within(0.001));
        // Eight streams open eight windows at once: two rounds (1,572,864 B in 1.2 s), then 28.8 s at the capacity.
        assertThat(Limits.windowGoodputLimit(30, 8, 0.6, capacity, stock))
                .isCloseTo((1_572_864 * 8 + 28.8 * capacity) / 30, within(1e-6));
        // A window that never reaches the BDP (no scaling: 65535 B) caps the rate for good.
        ReceiveWindow unscaled = ReceiveWindow.of(Map.of("net.ipv4.tcp_rmem", "4096 131072 6291456",
                "net.ipv4.tcp_window_scaling", "0"), "6.18.0").orElseThrow();
        assertThat(Limits.windowGoodputLimit(20, 1, 0.6, capacity, unscaled)).isCloseTo(65_535 * 8 / 0.6, within(1e-6));

        // The row, for a timed bulk download through a single PEP.
        Point split = MeasureFixture.point(MeasureFixture.points(dir, ""), "v01-split-r1");
        LinkFigures links = new LinkFigures(split.satelliteLink(), split.scenario().topology().terrestrial(), true);
        Measured measured = Limits.of(split, links, List.of(), Legs.of(SatelliteTopology.Shape.SINGLE_PEP, true)
                .clientEnd(), true, Optional.of(stock));
        assertThat(value(measured, Metrics.RECEIVE_WINDOW_GOODPUT_LIMIT, Legs.END_TO_END)).isCloseTo(
                Limits.windowGoodputLimit(10, 1, links.satelliteRttSeconds(), links.capacityAt(0), stock), within(1e-6));
    }

    @Test
    void aStockClientsWindowOpensAtItsDefaultAndAtBestDoublesEachRoundTrip() {
        // Linux's stock settings: a first window of 64 KiB (131072 B x 1/2), at most 3 MiB.
        ReceiveWindow stock = ReceiveWindow.of(Map.of("net.ipv4.tcp_rmem", "4096 131072 6291456"), "6.18.0")
                .orElseThrow();
        assertThat(stock.initialBytes()).isEqualTo(65_536);
        double rate = 20e6;
        // 1 MB: windows of 64, 128, 256 and 512 KiB carry 983,040 B in four 600 ms rounds; the fifth has 16,960 B.
        assertThat(Limits.windowLimit(1_000_000, 0.6, 0.6, rate, stock))
                .isCloseTo(1.2 + 4 * 0.6 + 16_960 * 8 / rate, within(1e-9));
        // 10 MB: the window reaches the 1.5 MB BDP in the sixth round (after 64 + ... + 1024 KiB = 2,031,616 B).
        assertThat(Limits.windowLimit(10_000_000, 0.6, 0.6, rate, stock))
                .isCloseTo(1.2 + 5 * 0.6 + (10_000_000 - 2_031_616) * 8 / rate, within(1e-9));
        // Within the first window it is the physical limit.
        assertThat(Limits.windowLimit(60_000, 0.6, 0.6, rate, stock))
                .isCloseTo(Limits.physicalLimit(60_000, 0.6, rate), within(1e-12));
    }

    @Test
    void theWindowFollowsTheClientsSettings() {
        Map<String, String> stock = Map.of("net.ipv4.tcp_rmem", "4096 131072 6291456", "net.ipv4.tcp_window_scaling", "1",
                "net.ipv4.tcp_adv_win_scale", "1");
        assertThat(ReceiveWindow.of(stock, "6.18.44-fc").orElseThrow().bytes()).isEqualTo(3_145_728);
        assertThat(ReceiveWindow.of(stock, "6.18.44-fc").orElseThrow().basis()).contains("tcp_rmem max 6291456 B", "1/2");
        assertThat(ReceiveWindow.of(Map.of("net.ipv4.tcp_rmem", "4096 131072 6291456", "net.ipv4.tcp_adv_win_scale", "2"),
                "5.15.0-91-generic").orElseThrow().bytes()).isEqualTo(4_718_592);
        assertThat(ReceiveWindow.of(Map.of("net.ipv4.tcp_rmem", "4096 131072 6291456", "net.ipv4.tcp_adv_win_scale", "-2"),
                "4.19.0").orElseThrow().bytes()).isEqualTo(1_572_864);
        assertThat(ReceiveWindow.of(Map.of("net.ipv4.tcp_rmem", "4096 131072 4294967295"), "6.6.0").orElseThrow().bytes())
                .isEqualTo(ReceiveWindow.SCALED_MAX);
        assertThat(ReceiveWindow.of(Map.of(), "6.6.0")).isEmpty();
    }

    private static double value(Measured measured, String metric, String leg) {
        return measured.rows().stream().filter(m -> m.metric().equals(metric) && m.leg().equals(leg)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + metric + " on " + leg + ": " + measured.rows()))
                .value();
    }
}
