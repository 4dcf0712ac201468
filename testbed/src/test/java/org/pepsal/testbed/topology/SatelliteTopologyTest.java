package org.pepsal.testbed.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.calibration.RttProbe;
import org.pepsal.testbed.link.LinkBackends;
import org.pepsal.testbed.link.LinkDirection;
import org.pepsal.testbed.link.LinkLeftovers;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.link.UserspaceBackend;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Both shapes route end to end through both emulated links, with the RTT of both, and leave nothing behind. */
@NeedsRoot
class SatelliteTopologyTest {
    @ParameterizedTest
    @EnumSource(SatelliteTopology.Shape.class)
    void clientReachesServerThroughSatelliteAndTerrestrialLinks(SatelliteTopology.Shape shape) {
        LinkSpec satellite = LinkSpec.asymmetric(LinkDirection.of(50_000_000, Duration.ofMillis(100)),
                LinkDirection.of(5_000_000, Duration.ofMillis(100)));
        LinkSpec terrestrial = LinkSpec.symmetric(LinkDirection.of(1_000_000_000L, Duration.ofMillis(5)));
        String prefix;
        try (SatelliteTopology built = SatelliteTopology.build(shape, satellite, terrestrial, new UserspaceBackend(),
                TcpSettings.defaults())) {
            prefix = built.topology().prefix();
            assertThat(built.pepSites()).hasSize(shape == SatelliteTopology.Shape.SINGLE_PEP ? 1 : 2);
            assertThat(built.pepSites().get(0).host()).isSameAs(built.gateway());
            assertThat(built.gateway().sysctl("net.ipv4.tcp_rmem")).endsWith(Long.toString(TcpSettings.DEFAULT_BUFFER_MAX));

            RttProbe.Result probes = RttProbe.measure(built.client(), built.server(), built.serverAddress(), 100,
                    Duration.ofMillis(10));

            double expected = Calibration.expectedRttMillis(satellite) + Calibration.expectedRttMillis(terrestrial);
            assertThat(probes.answered()).hasSize(100);
            // Two links in series, each calibrated to ±1 ms: their sum to ±2 ms.
            assertThat(probes.median()).isCloseTo(expected, within(2.0));
        }
        assertThat(Topology.leftoverNamespaces()).noneMatch(name -> name.startsWith(prefix));
        assertThat(LinkLeftovers.emulatorProcesses(prefix)).isEmpty();
    }

    @Test
    void aTerrestrialHopAskingOnlyForARateIsAPlainVethShapedByTbf() {
        LinkSpec satellite = LinkSpec.symmetric(LinkDirection.of(20_000_000, Duration.ofMillis(20)));
        LinkSpec terrestrial = LinkSpec.asymmetric(LinkDirection.of(100_000_000, Duration.ZERO),
                LinkDirection.of(50_000_000, Duration.ZERO));
        LinkBackends.Choice choice = LinkBackends.terrestrial(terrestrial, false, new UserspaceBackend());
        assertThat(choice.backend().name()).isEqualTo("veth");
        String prefix;
        try (SatelliteTopology built = SatelliteTopology.build(SatelliteTopology.Shape.SINGLE_PEP, satellite,
                new UserspaceBackend(), terrestrial, choice.backend(), role -> TcpSettings.defaults())) {
            prefix = built.topology().prefix();
            Link hop = built.terrestrialLink().link();
            assertThat(built.terrestrialLink().backend()).isEqualTo("veth");
            // What the kernel has: a veth at both ends, tbf at each sending end with the rate of its direction.
            assertThat(built.server().exec("ip", "-d", "link", "show", "dev", hop.aDevice())).contains("veth");
            assertThat(built.gateway().exec("ip", "-d", "link", "show", "dev", hop.bDevice())).contains("veth");
            assertThat(built.server().exec("tc", "qdisc", "show", "dev", hop.aDevice())).contains("tbf", "rate 100Mbit");
            assertThat(built.gateway().exec("tc", "qdisc", "show", "dev", hop.bDevice())).contains("tbf", "rate 50Mbit");
            // No emulator on the hop: only the satellite link's.
            assertThat(LinkLeftovers.emulatorProcesses(prefix)).hasSize(1);

            // The hop adds no delay: the path's RTT is the satellite link's. Ping's kernel timestamps and its
            // minimum, so that a busy machine's stalls do not count.
            String ping = built.client().exec("ping", "-n", "-q", "-c", "20", "-i", "0.01", "-s", "16",
                    built.serverAddress());
            java.util.regex.Matcher summary = java.util.regex.Pattern.compile("= ([\\d.]+)/").matcher(ping);
            assertThat(summary.find()).as(ping).isTrue();
            assertThat(Double.parseDouble(summary.group(1)))
                    .isBetween(Calibration.expectedRttMillis(satellite), Calibration.expectedRttMillis(satellite) + 2.0);
        }
        assertThat(Topology.leftoverNamespaces()).noneMatch(name -> name.startsWith(prefix));
    }
}
