package org.pepsal.testbed.traffic;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each stream's goodput from iperf3's receiver-side per-stream intervals. */
class Iperf3StreamsTest {
    @Test
    void streamsAreCountedOverTheirReportedIntervalsInTheOrderTheyOpened() throws Exception {
        // Two streams (sockets 7 and 5, opened in that order); the first interval is omitted (-O), the last a sliver.
        String json = """
                {"start": {"connected": [{"socket": 7}, {"socket": 5}]},
                 "intervals": [
                  {"streams": [{"socket": 7, "start": 0, "end": 0.5, "bytes": 999, "omitted": true},
                               {"socket": 5, "start": 0, "end": 0.5, "bytes": 999, "omitted": true}]},
                  {"streams": [{"socket": 7, "start": 0.5, "end": 1.0, "bytes": 100000, "omitted": false},
                               {"socket": 5, "start": 0.5, "end": 1.0, "bytes": 50000, "omitted": false}]},
                  {"streams": [{"socket": 7, "start": 1.0, "end": 1.5, "bytes": 150000, "omitted": false},
                               {"socket": 5, "start": 1.0, "end": 1.5, "bytes": 50000, "omitted": false}]},
                  {"streams": [{"socket": 7, "start": 1.5, "end": 1.501, "bytes": 77, "omitted": false},
                               {"socket": 5, "start": 1.5, "end": 1.501, "bytes": 77, "omitted": false}]}]}
                """;

        List<Iperf3.StreamGoodput> streams = Iperf3.streams(new ObjectMapper().readTree(json));

        assertThat(streams).containsExactly(new Iperf3.StreamGoodput(1, 250_000, 1.0),
                new Iperf3.StreamGoodput(2, 100_000, 1.0));
        assertThat(streams.get(0).bitsPerSecond()).isEqualTo(2e6);
    }
}
