package org.pepsal.testbed.measure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.traffic.Iperf3;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Per-stream goodput and Jain's index of a multi-stream transfer. */
class StreamMeasuresTest {
    @TempDir
    Path dir;

    @Test
    void jainsIndexIsOneForEqualSharesAndOneOverNForOneTakingAll() {
        assertThat(StreamMeasures.jain(new double[]{5, 5, 5, 5})).isCloseTo(1, within(1e-12));
        assertThat(StreamMeasures.jain(new double[]{8, 0, 0, 0})).isCloseTo(0.25, within(1e-12));
        assertThat(StreamMeasures.jain(new double[]{3, 1})).isCloseTo(16.0 / 20, within(1e-12));
        assertThat(StreamMeasures.jain(new double[]{0, 0})).isNaN();
    }

    @Test
    void eachStreamIsARowQualifiedByItsNumberAndTheIndexIsAnother() throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        Iperf3.Result result = new Iperf3.Result(Iperf3.State.COMPLETED, 3e6, 0, 3_750_000, 10, List.of(), List.of(),
                List.of(), List.of(), "", List.of(new Iperf3.StreamGoodput(1, 2_500_000, 10),
                new Iperf3.StreamGoodput(2, 1_250_000, 10)));

        Measured measured = StreamMeasures.of(point, result);

        assertThat(measured.rows()).filteredOn(m -> m.metric().equals(Metrics.STREAM_GOODPUT))
                .extracting(m -> m.parameters().get(Metrics.STREAM), Measurement::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1", 2e6), org.assertj.core.groups.Tuple.tuple("2", 1e6));
        assertThat(measured.rows()).filteredOn(m -> m.metric().equals(Metrics.JAIN_FAIRNESS)).singleElement()
                .satisfies(m -> assertThat(m.value()).isCloseTo(0.9, within(1e-12)));
        Iperf3.Result one = new Iperf3.Result(Iperf3.State.COMPLETED, 3e6, 0, 3_750_000, 10, List.of(), List.of(),
                List.of(), List.of(), "", List.of(new Iperf3.StreamGoodput(1, 3_750_000, 10)));
        assertThat(StreamMeasures.of(point, one).rows()).isEmpty();
    }
}
