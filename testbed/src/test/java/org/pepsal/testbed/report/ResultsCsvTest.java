package org.pepsal.testbed.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;
import org.pepsal.testbed.measure.Sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResultsCsvTest {
    @TempDir
    Path dir;

    @Test
    void resultsRoundTripWithOneColumnPerParameter() throws Exception {
        List<Measurement> measurements = List.of(
                new Measurement("v01", Map.of("link.down.loss", "1 %"), "plain", 1, "end-to-end", Metrics.GOODPUT,
                        Measurement.Bound.EXACT, 241_000.5, "bit/s", "", ""),
                new Measurement("v02", Map.of("link.down.loss", "0, or none"), "split", 2, "satellite",
                        Metrics.RETRANSMISSION_RATE, Measurement.Bound.EXACT, 0.0102, "fraction", "", ""),
                new Measurement("v01", Map.of("link.down.loss", "1 %", Metrics.FLOW_SIZE, "10000"), "plain", 1,
                        "end-to-end", Metrics.FLOW_COMPLETION_TIME, Measurement.Bound.LOWER, 60.0, "s", "timed-out",
                        "9000 of 10000 bytes"));
        Path file = dir.resolve("results.csv");

        ResultsCsv.writeResults(file, measurements);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0))
                .isEqualTo("variant,link.down.loss,flow.size,mode,repetition,leg,metric,bound,value,unit,state,note");
        assertThat(lines.get(1)).isEqualTo("v01,1 %,,plain,1,end-to-end,goodput,=,241000.5,bit/s,,");
        assertThat(lines.get(2)).isEqualTo("v02,\"0, or none\",,split,2,satellite,retransmission_rate,=,0.0102,fraction,,");
        assertThat(lines.get(3)).isEqualTo("v01,1 %,10000,plain,1,end-to-end,flow_completion_time,>,60.0,s,timed-out,"
                + "9000 of 10000 bytes");
        assertThat(ResultsCsv.readResults(file)).isEqualTo(measurements);
    }

    @Test
    void timeseriesCarriesTheTimeColumn() {
        Measurement goodput = new Measurement("v01", Map.of(), "split", 3, "end-to-end", Metrics.GOODPUT,
                Measurement.Bound.EXACT, 1.5e7, "bit/s", "", "");
        List<Sample> samples = List.of(new Sample(0.5, goodput), new Sample(1.0, goodput));
        Path file = dir.resolve("timeseries.csv");

        ResultsCsv.writeTimeseries(file, samples);

        assertThat(ResultsCsv.readTimeseries(file)).isEqualTo(samples);
    }
}
