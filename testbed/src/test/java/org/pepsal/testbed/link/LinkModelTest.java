package org.pepsal.testbed.link;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LinkModelTest {
    private static final LinkDirection SATELLITE = LinkDirection.of(20_000_000, Duration.ofMillis(300));

    @Test
    void defaultQueueIsOneBandwidthDelayProduct() {
        LinkSpec spec = LinkSpec.symmetric(SATELLITE);
        // 20 Mbit/s × 600 ms = 1.5 MB, where netem's default 1000 packets would hold 1.5 MB only by luck of the MTU.
        assertThat(spec.queueLimitBytes(SATELLITE)).isEqualTo(1_500_000);
        assertThat(spec.queueLimitBytes(SATELLITE.withQueueLimit(QueueLimit.packets(10)))).isEqualTo(15_000);
        LinkDirection shortLink = LinkDirection.of(1_000_000, Duration.ofMillis(1));
        assertThat(LinkSpec.symmetric(shortLink).queueLimitBytes(shortLink)).isEqualTo(64 * 1500);
    }

    @Test
    void gilbertElliottTheory() {
        LossModel.GilbertElliott ge = new LossModel.GilbertElliott(0.02, 0.3, 0, 1);
        assertThat(ge.meanLoss()).isCloseTo(0.0625, within(1e-12));
        assertThat(ge.meanBurstLength()).isCloseTo(3.333, within(0.001));
    }

    @Test
    void invalidValuesAreRefusedWithTheirName() {
        assertThatThrownBy(() -> new LossModel.Bernoulli(1.5)).hasMessageContaining("p must be a probability");
        assertThatThrownBy(() -> SATELLITE.withJitter(Duration.ofMillis(400), false)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> SATELLITE.withRate(0)).hasMessageContaining("rate");
    }

    @Test
    void specSurvivesJsonRoundTrip() {
        LinkDirection stepped = SATELLITE.withDelay(Duration.ofMillis(40)).withLoss(new LossModel.GilbertElliott(0.01, 0.2, 0, 0.8));
        LinkSpec spec = LinkSpec.asymmetric(SATELLITE.withLoss(new LossModel.Bernoulli(0.01)).withQueueLimit(QueueLimit.bytes(1000)),
                        SATELLITE.withRate(5_000_000).withJitter(Duration.ofMillis(3), true))
                .withSchedule(new Schedule(List.of(new Schedule.Step(Duration.ofSeconds(15), stepped, stepped))))
                .withSeed(42);

        assertThat(LinkJson.read(LinkJson.write(spec), LinkSpec.class)).isEqualTo(spec);
    }

    @Test
    void mahimahiTraceRepeatsWithItsLastEntryAsPeriod(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("trace");
        Files.writeString(file, "0\n0\n5\n10\n");
        DeliveryTrace trace = DeliveryTrace.read(file);

        assertThat(trace.periodMillis()).isEqualTo(10);
        assertThat(trace.meanRateBitsPerSecond()).isEqualTo(4 * 1504 * 8 * 100);
        assertThat(DeliveryTrace.constant(12_032_000, 100).meanRateBitsPerSecond()).isEqualTo(12_032_000);
    }

    @Test
    void stepsAreKeptInTimeOrder() {
        Schedule schedule = new Schedule(List.of(new Schedule.Step(Duration.ofSeconds(30), SATELLITE, SATELLITE),
                new Schedule.Step(Duration.ofSeconds(15), SATELLITE, SATELLITE)));
        assertThat(schedule.steps()).extracting(Schedule.Step::at).containsExactly(Duration.ofSeconds(15), Duration.ofSeconds(30));
    }
}
