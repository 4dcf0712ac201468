package org.pepsal.testbed.measure;

import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.traffic.Iperf3;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * A bulk transfer's receiver-side measurements: goodput over the whole transfer and after start-up, the start-up
 * time (censored when start-up never ended), bytes delivered, a fixed-size transfer's time, and goodput per bin.
 *
 * <p>Bins: iperf3's 0.5 s intervals joined into bins at least two base RTTs and at least 1 s wide. Shorter ones
 * swing above the link rate: when a retransmission fills a hole, the receiver releases up to an RTT of data
 * held behind it at once. Start-up ends at the <em>end</em> of the first full bin whose goodput reaches
 * {@link Metrics#STARTUP_FRACTION} of the path capacity at that time, and goodput after start-up counts from
 * there: that bin is usually the one in which the start-up's losses were repaired and the receiver released what
 * it held behind them, data that crossed the link before. Counted from the bin's start, that backlog (up to the
 * receive window) would read as goodput after start-up, above the link rate; from its end what is left is the
 * backlog at the transfer's end, which can only make it low. Times in timeseries.csv are on the workload's clock
 * (iperf3's own starts after its control connection's exchanges).
 */
public final class BulkMeasures {
    /** iperf3's reporting interval (Iperf3 runs it with {@code -i 0.5}). */
    static final double INTERVAL_SECONDS = 0.5;
    static final String REACHED = "reached";
    static final String NOT_REACHED = "not-reached";

    private BulkMeasures() {
    }

    /** A bin of goodput: its start and end (seconds from the transfer's start) and bits per second. */
    record Bin(double start, double end, double bitsPerSecond) {
        double bits() {
            return bitsPerSecond * (end - start);
        }
    }

    /**
     * @param capacityAt   the path capacity (bit/s) at a time in seconds from the transfer's start
     * @param baseRtt      the path's base RTT (s), which sets the bin width
     * @param launchOffset seconds from the workload's start (the schedule's) to iperf3's first interval
     */
    public static Measured of(Point point, Iperf3.Result result, boolean fixedSize, DoubleUnaryOperator capacityAt,
                              double baseRtt, double launchOffset) {
        List<Measurement> rows = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        String e2e = Legs.END_TO_END;
        rows.add(Measurement.of(point, e2e, Metrics.GOODPUT, result.goodputBitsPerSecond(), Metrics.BITS_PER_SECOND)
                .withState(state(result)));
        rows.add(Measurement.of(point, e2e, Metrics.BYTES_DELIVERED, result.bytesReceived(), Metrics.BYTES)
                .withState(state(result)));
        if (fixedSize) {
            Measurement time = Measurement.of(point, e2e, Metrics.TRANSFER_TIME, result.seconds(), Metrics.SECONDS)
                    .withState(state(result)).withNote(result.error());
            rows.add(result.state() == Iperf3.State.COMPLETED ? time : time.lowerBound());
        }
        double width = binWidth(baseRtt);
        rows.add(Measurement.of(point, e2e, Metrics.GOODPUT_BIN, width, Metrics.SECONDS));
        List<Bin> bins = bins(result.intervals(), width);
        for (Bin bin : bins) {
            samples.add(Sample.of(point, launchOffset + bin.end(), e2e, Metrics.GOODPUT, bin.bitsPerSecond(),
                    Metrics.BITS_PER_SECOND));
        }
        double end = bins.isEmpty() ? 0 : bins.get(bins.size() - 1).end();
        Bin first = null;
        for (Bin bin : bins) {
            boolean full = bin.end() - bin.start() >= width - 1e-9;
            if (full && bin.bitsPerSecond() >= Metrics.STARTUP_FRACTION * capacityAt.applyAsDouble(bin.start())) {
                first = bin;
                break;
            }
        }
        if (first == null) {
            rows.add(Measurement.of(point, e2e, Metrics.STARTUP_TIME, end, Metrics.SECONDS).lowerBound()
                    .withState(NOT_REACHED));
        } else {
            rows.add(Measurement.of(point, e2e, Metrics.STARTUP_TIME, first.end(), Metrics.SECONDS).withState(REACHED));
            double startupEnd = first.end();
            double bits = bins.stream().filter(b -> b.start() >= startupEnd).mapToDouble(Bin::bits).sum();
            if (end > startupEnd) {
                rows.add(Measurement.of(point, e2e, Metrics.GOODPUT_AFTER_STARTUP, bits / (end - startupEnd),
                        Metrics.BITS_PER_SECOND));
            }
        }
        return new Measured(rows, samples);
    }

    private static String state(Iperf3.Result result) {
        return switch (result.state()) {
            case COMPLETED -> "completed";
            case TIMED_OUT -> "timed-out";
            case FAILED -> "failed";
        };
    }

    /** At least two base RTTs and at least 1 s, in whole iperf3 intervals. */
    static double binWidth(double baseRtt) {
        return Math.ceil(Math.max(1.0, 2 * baseRtt) / INTERVAL_SECONDS - 1e-9) * INTERVAL_SECONDS;
    }

    /** Consecutive intervals joined into bins of {@code width} from the first; the last bin may be shorter. */
    static List<Bin> bins(List<Iperf3.Interval> intervals, double width) {
        List<Bin> bins = new ArrayList<>();
        double start = Double.NaN;
        double bits = 0;
        double end = 0;
        for (Iperf3.Interval interval : intervals) {
            if (Double.isNaN(start)) {
                start = interval.start();
            }
            bits += interval.bitsPerSecond() * (interval.end() - interval.start());
            end = interval.end();
            if (end - start >= width - 1e-6) {
                bins.add(new Bin(start, end, bits / (end - start)));
                start = Double.NaN;
                bits = 0;
            }
        }
        if (!Double.isNaN(start) && end > start + 1e-6) {
            bins.add(new Bin(start, end, bits / (end - start)));
        }
        return bins;
    }
}
