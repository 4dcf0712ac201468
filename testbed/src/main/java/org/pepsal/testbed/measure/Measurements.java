package org.pepsal.testbed.measure;

import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.traffic.FlowResult;
import org.pepsal.testbed.traffic.Iperf3;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the workloads return, as the rows of results.csv and timeseries.csv. */
public final class Measurements {
    private Measurements() {
    }

    /** A bulk transfer's goodput (end to end: the receiver's) and its sender's retransmits, on the sender's leg. */
    public static List<Measurement> bulk(Point point, Iperf3.Result result, String senderLeg) {
        return List.of(Measurement.of(point, Legs.END_TO_END, Metrics.GOODPUT, result.goodputBitsPerSecond(),
                        Metrics.BITS_PER_SECOND),
                Measurement.of(point, senderLeg, Metrics.RETRANSMITS, result.retransmits(), Metrics.COUNT));
    }

    /** A bulk transfer's goodput per interval, each at the interval's end. */
    public static List<Sample> bulkTimeseries(Point point, Iperf3.Result result) {
        return result.intervals().stream().map(interval -> Sample.of(point, interval.end(), Legs.END_TO_END,
                Metrics.GOODPUT, interval.bitsPerSecond(), Metrics.BITS_PER_SECOND)).toList();
    }

    /** Each flow's completion time and time to first byte, qualified by its size. */
    public static List<Measurement> flows(Point point, List<FlowResult> flows) {
        List<Measurement> measurements = new ArrayList<>();
        for (FlowResult flow : flows) {
            Map<String, String> size = Map.of(Metrics.FLOW_SIZE, Long.toString(flow.bytes()));
            measurements.add(Measurement.of(point, size, Legs.END_TO_END, Metrics.FLOW_COMPLETION_TIME,
                    flow.completionTime().toNanos() / 1e9, Metrics.SECONDS));
            measurements.add(Measurement.of(point, size, Legs.END_TO_END, Metrics.TIME_TO_FIRST_BYTE,
                    flow.timeToFirstByte().toNanos() / 1e9, Metrics.SECONDS));
        }
        return measurements;
    }
}
