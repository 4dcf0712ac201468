package org.pepsal.testbed.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResultTableTest {
    private static final ResultTable.Row RATE = new ResultTable.Row("connections/s", true);
    private static final ResultTable.Row CPU = new ResultTable.Row("CPU (µs)", false);

    @Test
    void ratioIsTheMedianOfEachRoundsRatioNotTheRatioOfMedians() {
        ResultTable table = new ResultTable("routing", List.of("routing", "proxy"));
        double[] routing = {100, 200, 400};
        double[] proxy = {60, 140, 100}; // ratios 0.6, 0.7, 0.25 -> median 0.6; the ratio of medians is 100/200
        for (int round = 0; round < 3; round++) {
            table.put(RATE, "routing", round, routing[round]);
            table.put(RATE, "proxy", round, proxy[round]);
        }
        assertThat(table.median(RATE, "proxy")).isEqualTo(100);
        assertThat(table.ratio(RATE, "proxy")).isEqualTo(0.6);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwoAndMissingRoundsDoNotCount() {
        assertThat(ResultTable.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(ResultTable.median(List.of(Double.NaN, 5.0))).isEqualTo(5.0);
        assertThat(ResultTable.median(List.of())).isNaN();
    }

    @Test
    void printsRatiosOnlyForRelativeRowsAndNoBaselineRatioColumn() {
        ResultTable table = new ResultTable("routing", List.of("routing", "proxy"));
        table.put(RATE, "routing", 0, 20000);
        table.put(RATE, "proxy", 0, 9000);
        table.put(CPU, "proxy", 0, 74.5);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        table.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0).split("\\s+")).containsExactly("median", "of", "rounds", "routing", "proxy", "ratio");
        assertThat(lines.get(1).split("\\s+")).containsExactly("connections/s", "20000", "9000", "0.45");
        assertThat(lines.get(2).split("\\s+")).containsExactly("CPU", "(µs)", "74.50");
    }
}
