package org.pepsal.testbed.report.stats;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The percentile bootstrap interval of a mean (Efron and Tibshirani, An Introduction to the Bootstrap, 1993,
 * ch. 13): {@value #RESAMPLES} resamples with replacement, the 2.5th and 97.5th percentiles of their means. The
 * generator is seeded with {@value #SEED}, so a report drawn twice shows the same interval. It never leaves the
 * range of the data. Small samples make it too narrow, so it is given from {@value #MIN_N} values on.
 */
public final class Bootstrap {
    public static final int RESAMPLES = 10_000;
    public static final long SEED = 1;
    public static final int MIN_N = 10;

    private Bootstrap() {
    }

    /** The interval of the mean of uncensored values, or null below {@link #MIN_N} values. */
    public static Interval meanInterval(List<Double> values) {
        int n = values.size();
        if (n < MIN_N) {
            return null;
        }
        double[] data = values.stream().mapToDouble(Double::doubleValue).toArray();
        double[] means = new double[RESAMPLES];
        SplittableRandom random = new SplittableRandom(SEED);
        for (int r = 0; r < RESAMPLES; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += data[random.nextInt(n)];
            }
            means[r] = sum / n;
        }
        Arrays.sort(means);
        double low = means[(int) Math.floor(0.025 * (RESAMPLES - 1))];
        double high = means[(int) Math.ceil(0.975 * (RESAMPLES - 1))];
        return new Interval(Estimate.exact(low), Estimate.exact(high), 0.95,
                "percentile bootstrap, " + RESAMPLES + " resamples, seed " + SEED);
    }
}
