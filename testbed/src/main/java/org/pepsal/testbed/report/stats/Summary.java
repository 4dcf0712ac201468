package org.pepsal.testbed.report.stats;

import java.util.List;

/**
 * What the repetitions of one metric say: n, how many were censored, the median with its exact 95 %
 * interval ({@link OrderStatistics}), the mean with its bootstrap interval ({@link Bootstrap}), and why an
 * interval is missing where one is.
 *
 * @param medianCi null when n is too small: {@code noCi} says why and which n would do
 * @param meanCi   null below {@link Bootstrap#MIN_N} values or with censored values (the mean is then a bound)
 */
public record Summary(int n, int censored, Estimate median, Interval medianCi, String noCi, Estimate mean,
                      Interval meanCi) {
    public static Summary of(List<Estimate> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("nothing to summarise");
        }
        int n = values.size();
        int censored = (int) values.stream().filter(Estimate::lowerBound).count();
        double sum = values.stream().mapToDouble(Estimate::value).sum();
        Estimate mean = new Estimate(sum / n, censored > 0);
        Interval medianCi = OrderStatistics.medianInterval(values);
        String noCi = medianCi != null ? "" : n == 1 ? "no CI: n = 1"
                : "no 95 % CI: n = " + n + "; the median's exact interval needs n ≥ " + OrderStatistics.MIN_N;
        Interval meanCi = censored > 0 ? null : Bootstrap.meanInterval(values.stream().map(Estimate::value).toList());
        return new Summary(n, censored, OrderStatistics.median(values), medianCi, noCi, mean, meanCi);
    }

    public static Summary ofValues(List<Double> values) {
        return of(values.stream().map(Estimate::exact).toList());
    }
}
