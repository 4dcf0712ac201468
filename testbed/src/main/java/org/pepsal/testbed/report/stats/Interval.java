package org.pepsal.testbed.report.stats;

/**
 * A confidence interval. Either end may be only a lower bound: an upper end that is a censored value says
 * the interval reaches at least that far ("[1.2, &gt; 60]").
 *
 * @param coverage the interval's actual coverage probability (an exact interval's is not exactly 95 %)
 * @param method   how it was computed, for the report
 */
public record Interval(Estimate low, Estimate high, double coverage, String method) {
}
