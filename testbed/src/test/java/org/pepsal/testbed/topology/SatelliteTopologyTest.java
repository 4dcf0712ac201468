package org.pepsal.testbed.topology;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.calibration.RttProbe;
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
}
