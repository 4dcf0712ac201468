package org.pepsal.testbed.link;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.Topology;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The netem backend live, where the kernel has sch_netem; skipped, saying why, where it has not. */
@NeedsRoot
class NetemBackendTest {
    @Test
    void netemLinkPassesCalibration() {
        NetemBackend netem = new NetemBackend();
        Assumptions.assumeTrue(netem.unavailableBecause().isEmpty(),
                () -> "netem backend not testable here: " + netem.unavailableBecause().orElseThrow());
        LinkSpec spec = LinkSpec.symmetric(LinkDirection.of(20_000_000, Duration.ofMillis(50))
                .withLoss(new LossModel.Bernoulli(0.01)));
        try (Topology topology = Topology.create()) {
            Host a = topology.host("a");
            Host b = topology.host("b");
            EmulatedLink link = netem.connect(topology, a, b, spec);
            Calibration.Report report = Calibration.run(link, Calibration.Tolerances.DEFAULT,
                    new Calibration.Effort(100, 3, 20_000));
            assertThat(report.passed()).as(report.table()).isTrue();
        }
    }

    @Test
    void automaticChoiceFallsBackToUserspaceAndSaysWhy() {
        LinkBackends.Choice choice = LinkBackends.choose(LinkBackends.AUTOMATIC,
                LinkSpec.symmetric(LinkDirection.of(20_000_000, Duration.ofMillis(50))));
        if (new NetemBackend().unavailableBecause().isPresent()) {
            assertThat(choice.backend().name()).isEqualTo(UserspaceBackend.NAME);
            assertThat(choice.reason()).contains("netem");
        } else {
            assertThat(choice.backend().name()).isEqualTo(NetemBackend.NAME);
        }
    }
}
