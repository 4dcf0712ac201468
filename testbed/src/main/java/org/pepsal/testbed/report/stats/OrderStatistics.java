package org.pepsal.testbed.report.stats;

import org.apache.commons.math3.distribution.BinomialDistribution;

import java.util.Comparator;
import java.util.List;

/**
 * The distribution-free confidence interval of a median from order statistics: for n independent values of
 * any continuous distribution, the median lies between the j-th smallest and the j-th largest value with
 * probability 1 − 2·P(B ≤ j − 1), B ~ Binomial(n, ½) (e.g. Conover, Practical Nonparametric Statistics,
 * 3rd ed., 1999, §3.2). It is exact, never leaves the range of the data, and needs n ≥ 6 to reach 95 %
 * (n = 5 reaches 93.75 %). Censored values (lower bounds) are ordered by their bound; an order statistic that
 * a censored value could move is itself only a lower bound.
 */
public final class OrderStatistics {
    public static final double LEVEL = 0.95;
    /** The smallest sample whose widest interval (minimum to maximum) reaches {@link #LEVEL}. */
    public static final int MIN_N = minimumN();

    private OrderStatistics() {
    }

    /** The rank j (1-based) of the narrowest interval [X(j), X(n+1−j)] covering at least 95 %; 0 if none does. */
    public static int lowerRank(int n) {
        int rank = 0;
        for (int j = 1; j <= n / 2 && coverage(n, j) >= LEVEL; j++) {
            rank = j;
        }
        return rank;
    }

    /** The coverage of [X(j), X(n+1−j)]. */
    public static double coverage(int n, int j) {
        return 1 - 2 * new BinomialDistribution(null, n, 0.5).cumulativeProbability(j - 1);
    }

    /** The exact interval of the median, or null when n is too small for 95 %. */
    public static Interval medianInterval(List<Estimate> values) {
        int n = values.size();
        int j = lowerRank(n);
        if (j == 0) {
            return null;
        }
        List<Estimate> sorted = sorted(values);
        return new Interval(order(sorted, j), order(sorted, n + 1 - j), coverage(n, j),
                "order statistics " + j + " and " + (n + 1 - j) + " of " + n + " (exact, distribution-free)");
    }

    public static Estimate median(List<Estimate> values) {
        List<Estimate> sorted = sorted(values);
        int n = sorted.size();
        if (n % 2 == 1) {
            return order(sorted, (n + 1) / 2);
        }
        Estimate a = order(sorted, n / 2);
        Estimate b = order(sorted, n / 2 + 1);
        return new Estimate((a.value() + b.value()) / 2, a.lowerBound() || b.lowerBound());
    }

    /**
     * The k-th smallest (1-based). The k-th smallest of the bounds never exceeds the true k-th smallest; it is the
     * true one when neither it nor any value ordered before it is censored (a censored value before it, even one
     * tied with it, may truly lie above it and move it).
     */
    static Estimate order(List<Estimate> sorted, int k) {
        Estimate x = sorted.get(k - 1);
        boolean uncertain = sorted.subList(0, k).stream().anyMatch(Estimate::lowerBound);
        return new Estimate(x.value(), uncertain);
    }

    static List<Estimate> sorted(List<Estimate> values) {
        // Among equal values the exact ones first: a censored value tied with an exact one lies truly above it.
        return values.stream().sorted(Comparator.comparingDouble(Estimate::value)
                .thenComparing(Estimate::lowerBound)).toList();
    }

    private static int minimumN() {
        int n = 1;
        while (lowerRank(n) == 0) {
            n++;
        }
        return n;
    }
}
