package org.pepsal.testbed.measure;

import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.traffic.FlowResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each download of the flows workload: its completion time, time to first byte and bytes delivered, qualified by
 * its size and round. A flow that timed out or failed is a result: its times are lower bounds ("&gt; 60 s") with
 * its state and what it delivered, never missing and never the timeout passed off as a value.
 */
public final class FlowMeasures {
    private FlowMeasures() {
    }

    public static Measured of(Point point, List<FlowResult> flows) {
        List<Measurement> rows = new ArrayList<>();
        int perRound = (int) flows.stream().map(FlowResult::bytes).distinct().count();
        for (int i = 0; i < flows.size(); i++) {
            FlowResult flow = flows.get(i);
            // In this order, so that results.csv's columns are always flow.size, flow.round.
            Map<String, String> qualifiers = new LinkedHashMap<>();
            qualifiers.put(Metrics.FLOW_SIZE, Long.toString(flow.bytes()));
            qualifiers.put(Metrics.FLOW_ROUND, Integer.toString(i / Math.max(1, perRound) + 1));
            String state = state(flow);
            double elapsed = flow.elapsed().toNanos() / 1e9;
            Measurement completion = Measurement.of(point, qualifiers, Legs.END_TO_END, Metrics.FLOW_COMPLETION_TIME,
                    elapsed, Metrics.SECONDS).withState(state).withNote(flow.error());
            rows.add(flow.completed() ? completion : completion.lowerBound());
            Measurement firstByte = flow.timeToFirstByte() != null
                    ? Measurement.of(point, qualifiers, Legs.END_TO_END, Metrics.TIME_TO_FIRST_BYTE,
                    flow.timeToFirstByte().toNanos() / 1e9, Metrics.SECONDS)
                    : Measurement.of(point, qualifiers, Legs.END_TO_END, Metrics.TIME_TO_FIRST_BYTE, elapsed,
                    Metrics.SECONDS).lowerBound();
            rows.add(firstByte.withState(state));
            rows.add(Measurement.of(point, qualifiers, Legs.END_TO_END, Metrics.FLOW_BYTES, flow.bytesReceived(),
                    Metrics.BYTES).withState(state));
        }
        return new Measured(rows, List.of());
    }

    static String state(FlowResult flow) {
        return switch (flow.state()) {
            case COMPLETED -> "completed";
            case TIMED_OUT -> "timed-out";
            case FAILED -> "failed";
        };
    }
}
