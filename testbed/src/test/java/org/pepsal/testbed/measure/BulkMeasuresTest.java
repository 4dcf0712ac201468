package org.pepsal.testbed.measure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.traffic.Iperf3;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BulkMeasuresTest {
    @TempDir
    Path dir;

    private static Iperf3.Result result(double... mbitPerHalfSecond) {
        List<Iperf3.Interval> intervals = new ArrayList<>();
        double bits = 0;
        for (int i = 0; i < mbitPerHalfSecond.length; i++) {
            intervals.add(new Iperf3.Interval(i * 0.5, (i + 1) * 0.5, mbitPerHalfSecond[i] * 1e6));
            bits += mbitPerHalfSecond[i] * 1e6 * 0.5;
        }
        double seconds = mbitPerHalfSecond.length * 0.5;
        return new Iperf3.Result(Iperf3.State.COMPLETED, bits / seconds, 0, (long) (bits / 8), seconds, intervals,
                List.of(), List.of(), List.of(), "", List.of());
    }

    private static Measurement row(Measured measured, String metric) {
        return measured.rows().stream().filter(m -> m.metric().equals(metric)).findFirst().orElseThrow();
    }

    @Test
    void binsAreTwoRttsWideAndAtLeastOneSecond() {
        assertThat(Bins.width(0.61)).isEqualTo(1.5);
        assertThat(Bins.width(0.022)).isEqualTo(1.0);
        assertThat(Bins.width(1.2)).isEqualTo(2.5);
    }

    @Test
    void startUpEndsWithTheFirstBinAtNinetyPercentOfTheCapacity() throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        // Capacity 19 Mbit/s: 90 % is 17.1. Bins of 1.5 s: [0, 1.5) 2, [1.5, 3) 10, [3, 4.5) 18, [4.5, 6) 18.
        Iperf3.Result result = result(2, 2, 2, 10, 10, 10, 18, 18, 18, 18, 18, 18);

        Measured measured = BulkMeasures.of(point, result, false, t -> 19e6, 0.61, 2.0);

        assertThat(row(measured, Metrics.STARTUP_TIME).value()).isEqualTo(4.5);
        assertThat(row(measured, Metrics.STARTUP_TIME).censored()).isFalse();
        assertThat(row(measured, Metrics.STARTUP_TIME).state()).isEqualTo("reached");
        assertThat(row(measured, Metrics.GOODPUT_AFTER_STARTUP).value()).isCloseTo(18e6, within(1.0));
        assertThat(row(measured, Metrics.GOODPUT).value()).isCloseTo(result.goodputBitsPerSecond(), within(1.0));
        assertThat(row(measured, Metrics.GOODPUT_BIN).value()).isEqualTo(1.5);
        // The bins, stamped at their ends on the workload's clock (2 s after its start).
        assertThat(measured.samples()).extracting(Sample::seconds).containsExactly(3.5, 5.0, 6.5, 8.0);
        assertThat(measured.samples()).extracting(s -> s.measurement().value()).containsExactly(2e6, 10e6, 18e6, 18e6);
        assertThat(measured.samples()).allMatch(s -> s.measurement().leg().equals(Legs.END_TO_END));
        assertThat(measured.samples()).allMatch(s -> s.binSeconds() == 1.5);
    }

    @Test
    void aLastBinCutShortIsLeftOutOfTheSeriesButCountsInTheGoodputAfterStartUp() throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        // 6.5 s: four whole bins of 1.5 s, then half a second at 4 Mbit/s, which as a bin would read low.
        Iperf3.Result result = result(18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 4);

        Measured measured = BulkMeasures.of(point, result, false, t -> 19e6, 0.61, 0);

        assertThat(measured.samples()).extracting(Sample::seconds).containsExactly(1.5, 3.0, 4.5, 6.0);
        assertThat(measured.samples()).allMatch(s -> s.measurement().value() == 18e6 && s.binSeconds() == 1.5);
        // After start-up (1.5 s): 4.5 s at 18 and 0.5 s at 4.
        assertThat(row(measured, Metrics.GOODPUT_AFTER_STARTUP).value()).isCloseTo((4.5 * 18e6 + 0.5 * 4e6) / 5,
                within(1.0));
    }

    @Test
    void aBinAfterAGapReadsAboveTheLinkRateWhenTheHeldDataIsReleased() throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        // A hole at 1.5 s: the receiver hands its application nothing for a bin, then the whole backlog at once.
        Iperf3.Result result = result(18, 18, 18, 0, 0, 0, 36, 36, 36, 18, 18, 18);

        Measured measured = BulkMeasures.of(point, result, false, t -> 19e6, 0.61, 0);

        assertThat(measured.samples()).extracting(s -> s.measurement().value()).containsExactly(18e6, 0.0, 36e6, 18e6);
        // What was measured says so: the receiving application's goodput, end to end.
        assertThat(measured.samples()).allMatch(s -> s.measurement().metric().equals(Metrics.GOODPUT)
                && s.measurement().leg().equals(Legs.END_TO_END));
        assertThat(BulkMeasures.grid(result, 0.61, 2.0)).contains(new Bins.Grid(2.0, 1.5, 8.0));
    }

    @Test
    void theBacklogReleasedWhenStartUpsLossesAreRepairedIsNotGoodputAfterStartUp() throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        // [3, 4.5) carries 30 Mbit/s on a 19 Mbit/s link: the receiver releasing data held behind a hole. The link
        // then carries 18: that, not more, is the goodput after start-up.
        Iperf3.Result result = result(2, 2, 2, 10, 10, 10, 30, 30, 30, 18, 18, 18, 18, 18, 18);

        Measured measured = BulkMeasures.of(point, result, false, t -> 19e6, 0.61, 0);

        assertThat(row(measured, Metrics.STARTUP_TIME).value()).isEqualTo(4.5);
        assertThat(row(measured, Metrics.GOODPUT_AFTER_STARTUP).value()).isCloseTo(18e6, within(1.0));
    }

    @Test
    void aTransferThatNeverGetsThereHasACensoredStartUpAndNoGoodputAfterIt() throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        Iperf3.Result result = result(0.4, 0.4, 0.5, 0.5, 0.4, 0.4);

        Measured measured = BulkMeasures.of(point, result, false, t -> 19e6, 0.61, 0);

        Measurement startup = row(measured, Metrics.STARTUP_TIME);
        assertThat(startup.censored()).isTrue();
        assertThat(startup.value()).isEqualTo(3.0);
        assertThat(startup.state()).isEqualTo("not-reached");
        assertThat(measured.rows()).noneMatch(m -> m.metric().equals(Metrics.GOODPUT_AFTER_STARTUP));
    }

    @Test
    void aFixedSizeTransferPastItsTimeoutHasACensoredTime() throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        Iperf3.Result timedOut = new Iperf3.Result(Iperf3.State.TIMED_OUT, 4e5, 0, 3_000_000, 60,
                List.of(new Iperf3.Interval(0, 60, 4e5)), List.of(), List.of(), List.of(), "interrupt", List.of());

        Measured measured = BulkMeasures.of(point, timedOut, true, t -> 19e6, 0.61, 0);

        Measurement time = row(measured, Metrics.TRANSFER_TIME);
        assertThat(time.censored()).isTrue();
        assertThat(time.value()).isEqualTo(60);
        assertThat(time.state()).isEqualTo("timed-out");
        assertThat(row(measured, Metrics.BYTES_DELIVERED).value()).isEqualTo(3_000_000);
    }
}
