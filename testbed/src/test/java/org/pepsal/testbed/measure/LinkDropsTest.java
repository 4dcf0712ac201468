package org.pepsal.testbed.measure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.link.LinkStats;
import org.pepsal.testbed.scenario.Point;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The loss a link direction dealt: every drop over every packet received. */
class LinkDropsTest {
    @TempDir
    Path dir;

    @Test
    void lossModelQueueAndBufferDropsCountAgainstThePacketsReceived() throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        LinkStats stats = new LinkStats(new LinkStats.Direction(10_000, 30, 100, 2, 0, 9_868, 0, 0, 0, 0, 0, 0),
                new LinkStats.Direction(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));

        Measured measured = LinkDrops.of(point, Legs.SATELLITE, Optional.of(stats));

        assertThat(measured.rows()).singleElement().satisfies(m -> {
            assertThat(m.leg()).isEqualTo("satellite-link.down");
            assertThat(m.metric()).isEqualTo(Metrics.LINK_DROP_RATE);
            assertThat(m.value()).isCloseTo(0.0132, within(1e-12));
        });
        // Packets the kernel dropped at the TUN device never reached the emulator: lost on the link all the same.
        Measured overflowed = LinkDrops.of(point, Legs.SATELLITE, Optional.of(stats.withTunOverflows(100, 0)));
        assertThat(overflowed.rows()).singleElement()
                .satisfies(m -> assertThat(m.value()).isCloseTo(232 / 10_100.0, within(1e-12)));
        assertThat(LinkDrops.of(point, Legs.SATELLITE, Optional.empty()).rows()).isEmpty();
    }
}
