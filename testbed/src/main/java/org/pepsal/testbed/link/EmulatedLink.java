package org.pepsal.testbed.link;

import org.pepsal.testbed.topology.Link;

import java.util.Optional;

/** A link built by a {@link LinkBackend}: the topology's view of it, plus what only an emulated link has. */
public interface EmulatedLink {
    Link link();

    LinkSpec spec();

    /** The backend's name, to record with the results. */
    String backend();

    /** {@link #cutDelay}'s amount that leaves no delay at all: for measuring the path's own latency. */
    long ALL_OF_THE_DELAY = Long.MAX_VALUE;

    /**
     * Starts the workload now: the spec's schedule and a trace's clock start, the loss and jitter streams are
     * reseeded (what calibration drew does not count), and {@link #stats()} count from here. Returns the start
     * as a {@link System#nanoTime()} value (the same monotonic clock in every process of this machine), so steps
     * can be related to measurements.
     */
    long startSchedule();

    /**
     * Takes {@code nanos} off every packet's delay from now on, never going below none: calibration measures the
     * path's own latency with {@link #ALL_OF_THE_DELAY} cut, then makes up for it. Returns false when the backend
     * cannot (a kernel qdisc keeps its time without a process's wake-ups to make up for).
     */
    default boolean cutDelay(long nanos) {
        return false;
    }

    /** The backend's own counters since {@link #startSchedule()} (since the link was built before it), where it keeps any. */
    Optional<LinkStats> stats();
}
