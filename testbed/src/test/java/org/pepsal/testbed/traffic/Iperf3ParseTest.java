package org.pepsal.testbed.traffic;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The receiver's intervals from an iperf3 report, on the transfer's clock. */
class Iperf3ParseTest {
    /** The shape iperf3 3.12 writes for {@code -R -O 1 -i 0.5 -t 1}: the clock restarts where omitting ends. */
    private static final String OMITTING_DOWNLOAD = """
            {"start": {"connected": [{"socket": 5, "local_host": "10.0.0.1", "local_port": 40000,
                                      "remote_host": "10.0.1.1", "remote_port": 5201}]},
             "intervals": [
              {"sum": {"start": 0, "end": 0.500073, "bits_per_second": 1.0e6, "omitted": true}},
              {"sum": {"start": 0.500073, "end": 1.000072, "bits_per_second": 3.0e6, "omitted": true}},
              {"sum": {"start": 3e-05, "end": 0.500043, "bits_per_second": 8.0e6, "omitted": false}},
              {"sum": {"start": 0.500043, "end": 1.000049, "bits_per_second": 10.0e6, "omitted": false}},
              {"sum": {"start": 1.000049, "end": 1.004, "bits_per_second": 99.0e6, "omitted": false}}],
             "end": {"sum_received": {"bytes": 1125000, "seconds": 1.0, "bits_per_second": 9.0e6},
                     "sum_sent": {"retransmits": 3}}}
            """;

    @Test
    void intervalsAfterOmittedSecondsAreShiftedOntoTheTransfersClock() throws Exception {
        Iperf3.Result result = parse(OMITTING_DOWNLOAD, Iperf3.State.COMPLETED);

        List<Iperf3.Interval> intervals = result.intervals();
        assertThat(intervals).hasSize(4);
        assertThat(intervals).extracting(Iperf3.Interval::omitted).containsExactly(true, true, false, false);
        // Monotonic: the reported seconds follow the omitted ones instead of restarting at zero.
        assertThat(intervals.get(2).start()).isCloseTo(1.000102, within(1e-6));
        assertThat(intervals.get(3).end()).isCloseTo(2.000121, within(1e-6));
        for (int i = 1; i < intervals.size(); i++) {
            assertThat(intervals.get(i).start()).isGreaterThanOrEqualTo(intervals.get(i - 1).end() - 1e-3);
        }
        // The result itself is iperf3's, without the omitted seconds.
        assertThat(result.goodputBitsPerSecond()).isEqualTo(9.0e6);
        assertThat(result.steadyGoodputBitsPerSecond(0)).isCloseTo(9.0e6, within(2e3));
    }

    @Test
    void anInterruptedDownloadCountsOnlyItsReportedIntervals() throws Exception {
        Iperf3.Result result = parse(OMITTING_DOWNLOAD.replace("\"sum_received\": {\"bytes\": 1125000,"
                + " \"seconds\": 1.0, \"bits_per_second\": 9.0e6},", ""), Iperf3.State.TIMED_OUT);

        // 8 Mbit/s and 10 Mbit/s for half a second each: 1.125 MB in 1.0 s, the omitted 2 Mbit left out.
        assertThat(result.bytesReceived()).isCloseTo(1_125_000L, within(200L));
        assertThat(result.seconds()).isCloseTo(1.0, within(1e-3));
    }

    private static Iperf3.Result parse(String json, Iperf3.State state) throws Exception {
        return Iperf3.parse(new ObjectMapper().readTree(json), true, state, "", List.of("iperf3", "-c"),
                List.of("iperf3", "-s"));
    }
}
