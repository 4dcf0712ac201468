package org.pepsal.testbed.link;

import org.junit.jupiter.api.Test;
import org.pepsal.testbed.NeedsRoot;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The automatic choice where netem cannot serve, on any kernel: a delivery trace is beyond netem whether the
 * kernel has it or not. That it takes netem where netem works is {@link NetemLinkTest}'s, live.
 */
@NeedsRoot
class NetemBackendTest {
    @Test
    void automaticChoiceFallsBackToUserspaceAndSaysWhy() {
        LinkDirection traced = LinkDirection.of(1, Duration.ofMillis(5))
                .withTrace(DeliveryTrace.constant(24_064_000, 100));
        LinkBackends.Choice choice = LinkBackends.choose(LinkBackends.AUTOMATIC, LinkSpec.symmetric(traced));
        assertThat(choice.backend().name()).isEqualTo(UserspaceBackend.NAME);
        assertThat(choice.reason()).startsWith("automatic: ").contains("netem");
    }
}
