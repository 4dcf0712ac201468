package org.pepsal.testbed.link.emulator;

import java.util.Arrays;

/**
 * How late packets left the emulator against their computed deadline, in microsecond buckets up to
 * {@value #RANGE_MICROS} µs (later ones share the last bucket). Recording allocates nothing; it is written by
 * one pump thread (which also resets it when the workload starts) and read, approximately, by the control thread.
 */
final class LatenessHistogram {
    static final int RANGE_MICROS = 100_000;
    private final long[] counts = new long[RANGE_MICROS + 1];
    private long total;
    private long maxNanos;

    void record(long latenessNanos) {
        long micros = Math.max(0, latenessNanos / 1000);
        counts[(int) Math.min(micros, RANGE_MICROS)]++;
        total++;
        if (latenessNanos > maxNanos) {
            maxNanos = latenessNanos;
        }
    }

    void reset() {
        Arrays.fill(counts, 0);
        total = 0;
        maxNanos = 0;
    }

    long total() {
        return total;
    }

    double maxMillis() {
        return maxNanos / 1e6;
    }

    /** The lateness below which {@code quantile} of the packets left, in milliseconds (bucket upper edge). */
    double quantileMillis(double quantile) {
        long seen = 0;
        long wanted = (long) Math.ceil(quantile * total);
        for (int micros = 0; micros <= RANGE_MICROS; micros++) {
            seen += counts[micros];
            if (seen >= wanted && seen > 0) {
                return (micros + 1) / 1000.0;
            }
        }
        return 0;
    }
}
