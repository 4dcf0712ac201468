package org.pepsal.testbed.measure;

import java.util.ArrayList;
import java.util.List;

/**
 * Rates per bin from a cumulative count of bytes: the receiving application's (iperf3's intervals) and the
 * satellite-side sender's (TCP_INFO delivered). Only whole bins: a last bin cut short by the transfer's end would
 * read low, and the whole transfer's goodput counts that remainder anyway.
 *
 * <p>Both series use one grid of bins, at least two base RTTs and at least 1 s wide, in whole iperf3 intervals,
 * from the receiver's first interval. The receiver's goodput can exceed the link rate for a bin: when a
 * retransmission fills a hole, the receiver releases at once the data held behind it, up to an RTT's worth that
 * crossed the link in earlier bins. The sender's delivered count (acknowledged or selectively acknowledged, each
 * segment once) grows as the ACKs come back, so its rate stays at or below the link's.
 */
final class Bins {
    /** iperf3's reporting interval (Iperf3 runs it with {@code -i 0.5}). */
    static final double INTERVAL_SECONDS = 0.5;

    private Bins() {
    }

    /** One whole bin: its start and width on the series' clock, and bits per second over it. */
    record Bin(double start, double width, double bitsPerSecond) {
        double end() {
            return start + width;
        }
    }

    /** At least two base RTTs and at least 1 s, in whole iperf3 intervals. */
    static double width(double baseRtt) {
        return Math.ceil(Math.max(1.0, 2 * baseRtt) / INTERVAL_SECONDS - 1e-9) * INTERVAL_SECONDS;
    }

    /**
     * A count of bytes that only grows, known at some times (in order) and linear in between: before the first
     * time it is the first count, after the last the last.
     */
    record Cumulative(double[] times, double[] bytes) {
        Cumulative {
            if (times.length != bytes.length) {
                throw new IllegalArgumentException("times and counts differ in length");
            }
        }

        boolean isEmpty() {
            return times.length == 0;
        }

        double first() {
            return times[0];
        }

        double last() {
            return times[times.length - 1];
        }

        /** The count at {@code t}, interpolated. */
        double at(double t) {
            if (t <= times[0]) {
                return bytes[0];
            }
            for (int i = 1; i < times.length; i++) {
                if (t <= times[i]) {
                    double span = times[i] - times[i - 1];
                    return span <= 0 ? bytes[i] : bytes[i - 1] + (bytes[i] - bytes[i - 1]) * (t - times[i - 1]) / span;
                }
            }
            return bytes[bytes.length - 1];
        }

        /** Bits per second between two times. */
        double rate(double from, double to) {
            return (at(to) - at(from)) * 8 / (to - from);
        }
    }

    /**
     * The bins of one point: {@code width} wide from {@code origin} (the receiver's first interval), whole bins
     * only, ending by {@code end} (the receiver's last; a millisecond's slack, for iperf3's intervals end a little
     * late). Seconds on the workload's clock.
     */
    record Grid(double origin, double width, double end) {
        List<Bin> bins(Cumulative count) {
            List<Bin> bins = new ArrayList<>();
            for (int k = 0; origin + (k + 1) * width <= end + 1e-3; k++) {
                double start = origin + k * width;
                bins.add(new Bin(start, width, count.rate(start, start + width)));
            }
            return bins;
        }
    }
}
