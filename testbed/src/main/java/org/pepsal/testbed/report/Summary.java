package org.pepsal.testbed.report;

import java.util.List;

/**
 * The mean of repeated measurements and the half-width of its 95 % confidence interval (Student's t, as
 * the repetitions are few). A single value has no interval (zero half-width).
 */
public record Summary(int count, double mean, double halfWidth95) {
    /** Two-sided 97.5 % quantiles of Student's t for 1 … 30 degrees of freedom. */
    private static final double[] T_975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
            2.056, 2.052, 2.048, 2.045, 2.042};
    private static final double Z_975 = 1.960;

    public static Summary of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("nothing to summarise");
        }
        int n = values.size();
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        if (n == 1) {
            return new Summary(1, mean, 0);
        }
        double variance = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / (n - 1);
        double t = n - 1 <= T_975.length ? T_975[n - 2] : Z_975;
        return new Summary(n, mean, t * Math.sqrt(variance / n));
    }

    public double low() {
        return mean - halfWidth95;
    }

    public double high() {
        return mean + halfWidth95;
    }
}
