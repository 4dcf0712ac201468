package org.pepsal.testbed.measure;

import org.pepsal.testbed.scenario.Point;

import java.util.Map;

/**
 * One value of a time series: a measurement at {@code seconds} from the workload's start (the moment the
 * link's schedule started and the workload was launched). Goodput bins are stamped with their end.
 */
public record Sample(double seconds, Measurement measurement) {
    public static Sample of(Point point, double seconds, String leg, String metric, double value, String unit) {
        return new Sample(seconds, Measurement.of(point, leg, metric, value, unit));
    }

    public static Sample of(Point point, Map<String, String> qualifiers, double seconds, String leg, String metric,
                            double value, String unit) {
        return new Sample(seconds, Measurement.of(point, qualifiers, leg, metric, value, unit));
    }
}
