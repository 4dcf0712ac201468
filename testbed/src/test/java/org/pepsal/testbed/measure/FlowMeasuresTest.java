package org.pepsal.testbed.measure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.traffic.FlowResult;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FlowMeasuresTest {
    @TempDir
    Path dir;

    @Test
    void aTimedOutFlowIsALowerBoundWithItsStateAndWhatItDelivered() throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        List<FlowResult> flows = List.of(
                new FlowResult(10_000, FlowResult.State.COMPLETED, 10_000, Duration.ofMillis(1250), Duration.ofMillis(1900), 50001, ""),
                new FlowResult(10_000_000, FlowResult.State.TIMED_OUT, 3_000_000, Duration.ofMillis(1300),
                        Duration.ofSeconds(60), 50002, "3000000 of 10000000 bytes; did not complete within 60.0 s"),
                new FlowResult(10_000, FlowResult.State.FAILED, 0, null, Duration.ofMillis(700), 50003, "connection refused"));

        List<Measurement> rows = FlowMeasures.of(point, flows).rows();

        Measurement timedOut = row(rows, Metrics.FLOW_COMPLETION_TIME, "10000000");
        assertThat(timedOut.censored()).isTrue();
        assertThat(timedOut.value()).isEqualTo(60);
        assertThat(timedOut.state()).isEqualTo("timed-out");
        assertThat(timedOut.note()).contains("3000000 of 10000000 bytes");
        assertThat(row(rows, Metrics.FLOW_BYTES, "10000000").value()).isEqualTo(3_000_000);
        // The first byte came: that time is exact even though the flow did not complete.
        assertThat(row(rows, Metrics.TIME_TO_FIRST_BYTE, "10000000").censored()).isFalse();

        List<Measurement> small = rows.stream().filter(m -> m.metric().equals(Metrics.TIME_TO_FIRST_BYTE)
                && m.parameters().get(Metrics.FLOW_SIZE).equals("10000")).toList();
        assertThat(small).extracting(Measurement::censored).containsExactly(false, true);
        assertThat(small.get(1).value()).isEqualTo(0.7);
        assertThat(small.get(1).state()).isEqualTo("failed");
        assertThat(rows).allMatch(m -> m.leg().equals(Legs.END_TO_END));
        assertThat(rows.get(0).parameters().keySet()).containsExactly(Metrics.FLOW_SIZE, Metrics.FLOW_ROUND);
    }

    private static Measurement row(List<Measurement> rows, String metric, String size) {
        return rows.stream().filter(m -> m.metric().equals(metric) && m.parameters().get(Metrics.FLOW_SIZE).equals(size))
                .findFirst().orElseThrow();
    }
}
