package org.pepsal.testbed.report.stats;

/**
 * A value, or only a lower bound on it: a censored observation (a flow that timed out after 60 s took
 * "&gt; 60 s"), or a statistic computed from one.
 */
public record Estimate(double value, boolean lowerBound) {
    public static Estimate exact(double value) {
        return new Estimate(value, false);
    }

    public static Estimate atLeast(double value) {
        return new Estimate(value, true);
    }

    /** {@code > 60.0} for a lower bound, else the value, each formatted by {@code format}. */
    public String format(java.util.function.DoubleFunction<String> format) {
        return (lowerBound ? "> " : "") + format.apply(value);
    }
}
