package org.pepsal.testbed.measure;

import org.pepsal.testbed.scenario.Point;

import java.util.Map;

/**
 * One value of a time series: a measurement at {@code seconds} from the workload's start (the moment the
 * link's schedule started and the workload was launched). A rate over a bin is stamped with the bin's end and
 * carries its width in {@code binSeconds}; an instantaneous sample (a TCP_INFO reading, a schedule step) has NaN.
 */
public record Sample(double seconds, double binSeconds, Measurement measurement) {
    public Sample(double seconds, Measurement measurement) {
        this(seconds, Double.NaN, measurement);
    }

    public static Sample of(Point point, double seconds, String leg, String metric, double value, String unit) {
        return new Sample(seconds, Measurement.of(point, leg, metric, value, unit));
    }

    public static Sample of(Point point, Map<String, String> qualifiers, double seconds, String leg, String metric,
                            double value, String unit) {
        return new Sample(seconds, Measurement.of(point, qualifiers, leg, metric, value, unit));
    }

    /** A rate over the bin of {@code width} seconds that ends at {@code end}. */
    public static Sample bin(Point point, double end, double width, String leg, String metric, double value,
                             String unit) {
        return new Sample(end, width, Measurement.of(point, leg, metric, value, unit));
    }

    /** Where a bin starts ({@code seconds} for an instantaneous sample). */
    public double binStart() {
        return Double.isNaN(binSeconds) ? seconds : seconds - binSeconds;
    }
}
