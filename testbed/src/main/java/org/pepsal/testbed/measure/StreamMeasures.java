package org.pepsal.testbed.measure;

import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.traffic.Iperf3;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a multi-stream bulk transfer shared the path: each stream's goodput at the receiver (qualified by its
 * number) and Jain's fairness index over them. A single stream has nothing to share, so it adds no rows.
 */
public final class StreamMeasures {
    private StreamMeasures() {
    }

    public static Measured of(Point point, Iperf3.Result result) {
        List<Iperf3.StreamGoodput> streams = result.streams();
        if (streams.size() < 2) {
            return Measured.NONE;
        }
        List<Measurement> rows = new ArrayList<>();
        for (Iperf3.StreamGoodput stream : streams) {
            rows.add(Measurement.of(point, Map.of(Metrics.STREAM, Integer.toString(stream.number())), Legs.END_TO_END,
                    Metrics.STREAM_GOODPUT, stream.bitsPerSecond(), Metrics.BITS_PER_SECOND));
        }
        double fairness = jain(streams.stream().mapToDouble(Iperf3.StreamGoodput::bitsPerSecond).toArray());
        if (!Double.isNaN(fairness)) {
            rows.add(Measurement.of(point, Legs.END_TO_END, Metrics.JAIN_FAIRNESS, fairness, Metrics.FRACTION)
                    .withNote(streams.size() + " streams"));
        }
        return new Measured(rows, List.of());
    }

    /**
     * Jain, Chiu and Hawe, "A quantitative measure of fairness and discrimination for resource allocation in
     * shared computer systems", DEC-TR-301, 1984: (Σx)² / (n·Σx²). NaN when every value is zero.
     */
    static double jain(double[] values) {
        double sum = 0;
        double squares = 0;
        for (double v : values) {
            sum += v;
            squares += v * v;
        }
        return squares > 0 ? sum * sum / (values.length * squares) : Double.NaN;
    }
}
