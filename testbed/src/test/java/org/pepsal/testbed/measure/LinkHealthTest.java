package org.pepsal.testbed.measure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.link.LinkStats;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.Scenario;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LinkHealthTest {
    @TempDir
    Path dir;

    private static LinkStats.Direction direction(long received, long bufferDrops, double p999) {
        return new LinkStats.Direction(received, 5, 10, bufferDrops, 0, received - 15 - bufferDrops, 0, 0, 0.05, 0.3, p999, 3);
    }

    @Test
    void everyLinkStatsFieldIsMapped() {
        // A field the link adds to LinkStats.Direction needs its line in LinkHealth.FIELDS.
        List<String> components = Arrays.stream(LinkStats.Direction.class.getRecordComponents())
                .map(RecordComponent::getName).toList();
        assertThat(LinkHealth.FIELDS).extracting(LinkHealth.Field::component).containsExactlyInAnyOrderElementsOf(components);
    }

    @Test
    void unhealthyDirectionsAreFlagged() throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        LinkStats stats = new LinkStats(direction(20000, 3, 0.4), direction(1000, 0, 1.8));

        Measured measured = LinkHealth.of(point, Legs.SATELLITE, "userspace", Optional.of(stats),
                new Scenario.HealthSettings(1.0, false));

        assertThat(value(measured, "satellite-link.down", "link_packets_received")).isEqualTo(20000);
        assertThat(value(measured, "satellite-link.down", "link_buffer_drops")).isEqualTo(3);
        assertThat(value(measured, "satellite-link.up", "link_lateness_p999")).isEqualTo(1.8);
        assertThat(health(measured, "satellite-link.down").note()).contains("3 packet(s) dropped outside the queue rule");
        assertThat(health(measured, "satellite-link.up").note()).contains("lateness p99.9 1.800 ms > 1.000 ms");
        assertThat(measured.failures()).isEmpty();

        Measured strict = LinkHealth.of(point, Legs.SATELLITE, "userspace", Optional.of(stats),
                new Scenario.HealthSettings(2.0, true));
        assertThat(health(strict, "satellite-link.up").state()).isEqualTo("ok");
        assertThat(strict.failures()).containsExactly("the satellite-link.down link was unhealthy: 3 packet(s) dropped "
                + "outside the queue rule (link_buffer_drops 3)");
    }

    @Test
    void tunOverflowsAreDropsOutsideTheQueueRule() throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        LinkStats stats = new LinkStats(direction(20000, 0, 0.4), direction(1000, 0, 0.4)).withTunOverflows(7, 0);

        Measured measured = LinkHealth.of(point, Legs.SATELLITE, "userspace", Optional.of(stats),
                Scenario.HealthSettings.DEFAULT);

        assertThat(value(measured, "satellite-link.down", "link_tun_overflows")).isEqualTo(7);
        assertThat(value(measured, "satellite-link.up", "link_tun_overflows")).isZero();
        assertThat(health(measured, "satellite-link.down").state()).isEqualTo("flagged");
        assertThat(health(measured, "satellite-link.down").note())
                .isEqualTo("7 packet(s) dropped outside the queue rule (link_tun_overflows 7)");
        assertThat(health(measured, "satellite-link.up").state()).isEqualTo("ok");
        // Tail drops and the loss model's drops are the rule: never flagged, however many.
        assertThat(value(measured, "satellite-link.up", "link_tail_drops")).isEqualTo(5);
    }

    @Test
    void thePointIsFlaggedWhenAnyLinkDirectionIs() throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        Optional<LinkStats> healthy = Optional.of(new LinkStats(direction(100, 0, 0.2), direction(100, 0, 0.2)));
        Optional<LinkStats> late = Optional.of(new LinkStats(direction(100, 0, 0.2), direction(100, 0, 1.5)));

        Measured fine = LinkHealth.of(point, Legs.SATELLITE, "userspace", healthy, Scenario.HealthSettings.DEFAULT)
                .plus(LinkHealth.of(point, Legs.TERRESTRIAL, "veth", Optional.empty(), Scenario.HealthSettings.DEFAULT));
        Measured flagged = fine.plus(LinkHealth.of(point, Legs.TERRESTRIAL, "userspace", late,
                Scenario.HealthSettings.DEFAULT));
        Measured unchecked = LinkHealth.of(point, Legs.SATELLITE, "netem", Optional.empty(), Scenario.HealthSettings.DEFAULT);

        assertThat(LinkHealth.point(point, fine.rows()).state()).isEqualTo("ok");
        Measurement verdict = LinkHealth.point(point, flagged.rows());
        assertThat(verdict.leg()).isEqualTo(Legs.POINT);
        assertThat(verdict.metric()).isEqualTo(Metrics.POINT_HEALTH);
        assertThat(verdict.state()).isEqualTo("flagged");
        assertThat(verdict.note()).isEqualTo("terrestrial-link.up: lateness p99.9 1.500 ms > 1.000 ms");
        assertThat(LinkHealth.point(point, unchecked.rows()).state()).isEqualTo("unavailable");
    }

    @Test
    void aBackendWithoutStatisticsSaysSo() throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        Measured measured = LinkHealth.of(point, Legs.TERRESTRIAL, "netem", Optional.empty(),
                Scenario.HealthSettings.DEFAULT);

        assertThat(health(measured, "terrestrial-link.down").state()).isEqualTo("unavailable");
        assertThat(health(measured, "terrestrial-link.down").note()).contains("netem");
    }

    private static double value(Measured measured, String leg, String metric) {
        return measured.rows().stream().filter(m -> m.leg().equals(leg) && m.metric().equals(metric))
                .findFirst().orElseThrow().value();
    }

    private static Measurement health(Measured measured, String leg) {
        return measured.rows().stream().filter(m -> m.leg().equals(leg) && m.metric().equals(Metrics.LINK_HEALTH))
                .findFirst().orElseThrow();
    }
}
