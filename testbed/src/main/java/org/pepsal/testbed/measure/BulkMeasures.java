package org.pepsal.testbed.measure;

import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.traffic.Iperf3;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleUnaryOperator;

/**
 * A bulk transfer's receiver-side measurements: goodput over the whole transfer and after start-up, the start-up
 * time (censored when start-up never ended), bytes delivered, a fixed-size transfer's time, and the receiving
 * application's goodput per whole bin ({@link Bins}).
 *
 * <p>Start-up ends at the <em>end</em> of the first bin whose goodput reaches {@link Metrics#STARTUP_FRACTION} of
 * the path capacity at that time, and goodput after start-up counts from there to the transfer's end: that bin is
 * usually the one in which the start-up's losses were repaired and the receiver released what it held behind
 * them, data that crossed the link before. Counted from the bin's start, that backlog (up to the receive window)
 * would read as goodput after start-up, above the link rate; from its end what is left is the backlog at the
 * transfer's end, which can only make it low. Times in timeseries.csv are on the workload's clock (iperf3's own
 * starts after its control connection's exchanges).
 */
public final class BulkMeasures {
    static final String REACHED = "reached";
    static final String NOT_REACHED = "not-reached";

    private BulkMeasures() {
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
        rows.add(Measurement.of(point, e2e, Metrics.GOODPUT_BIN, Bins.width(baseRtt), Metrics.SECONDS));
        Bins.Cumulative received = received(result.intervals(), launchOffset);
        Optional<Bins.Grid> grid = grid(result, baseRtt, launchOffset);
        if (grid.isEmpty()) {
            rows.add(Measurement.of(point, e2e, Metrics.STARTUP_TIME, 0, Metrics.SECONDS).lowerBound()
                    .withState(NOT_REACHED));
            return new Measured(rows, samples);
        }
        List<Bins.Bin> bins = grid.get().bins(received);
        for (Bins.Bin bin : bins) {
            samples.add(Sample.bin(point, bin.end(), bin.width(), e2e, Metrics.GOODPUT, bin.bitsPerSecond(),
                    Metrics.BITS_PER_SECOND));
        }
        Optional<Bins.Bin> first = bins.stream().filter(bin -> bin.bitsPerSecond()
                >= Metrics.STARTUP_FRACTION * capacityAt.applyAsDouble(bin.start() - launchOffset)).findFirst();
        if (first.isEmpty()) {
            rows.add(Measurement.of(point, e2e, Metrics.STARTUP_TIME, received.last() - launchOffset, Metrics.SECONDS)
                    .lowerBound().withState(NOT_REACHED));
        } else {
            double startupEnd = first.get().end();
            rows.add(Measurement.of(point, e2e, Metrics.STARTUP_TIME, startupEnd - launchOffset, Metrics.SECONDS)
                    .withState(REACHED));
            if (received.last() > startupEnd + 1e-9) {
                rows.add(Measurement.of(point, e2e, Metrics.GOODPUT_AFTER_STARTUP,
                        received.rate(startupEnd, received.last()), Metrics.BITS_PER_SECOND));
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

    /**
     * The point's bins on the workload's clock: from the receiver's first interval to its last; empty without
     * intervals.
     *
     * @param launchOffset seconds from the workload's start to iperf3's first interval
     */
    static Optional<Bins.Grid> grid(Iperf3.Result result, double baseRtt, double launchOffset) {
        List<Iperf3.Interval> intervals = result.intervals();
        return intervals.isEmpty() ? Optional.empty() : Optional.of(new Bins.Grid(launchOffset + intervals.get(0).start(),
                Bins.width(baseRtt), launchOffset + intervals.get(intervals.size() - 1).end()));
    }

    /** The bytes the receiver got by each interval's start and end, on the workload's clock. */
    static Bins.Cumulative received(List<Iperf3.Interval> intervals, double launchOffset) {
        double[] times = new double[2 * intervals.size()];
        double[] bytes = new double[2 * intervals.size()];
        double total = 0;
        for (int i = 0; i < intervals.size(); i++) {
            Iperf3.Interval interval = intervals.get(i);
            times[2 * i] = launchOffset + interval.start();
            bytes[2 * i] = total;
            total += interval.bitsPerSecond() * (interval.end() - interval.start()) / 8;
            times[2 * i + 1] = launchOffset + interval.end();
            bytes[2 * i + 1] = total;
        }
        return new Bins.Cumulative(times, bytes);
    }
}
