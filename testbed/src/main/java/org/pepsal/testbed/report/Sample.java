package org.pepsal.testbed.report;

import org.pepsal.testbed.scenario.Point;

/** One value of a time series (goodput per interval): a measurement at {@code seconds} from the workload's start. */
public record Sample(double seconds, Measurement measurement) {
    public static Sample of(Point point, double seconds, String metric, double value, String unit) {
        return new Sample(seconds, Measurement.of(point, metric, value, unit));
    }
}
