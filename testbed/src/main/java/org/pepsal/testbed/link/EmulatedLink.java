package org.pepsal.testbed.link;

import org.pepsal.testbed.topology.Link;

import java.util.Optional;

/** A link built by a {@link LinkBackend}: the topology's view of it, plus what only an emulated link has. */
public interface EmulatedLink {
    Link link();

    LinkSpec spec();

    /** The backend's name, to record with the results. */
    String backend();

    /**
     * Starts the spec's schedule now and returns the start as a {@link System#nanoTime()} value (the same
     * monotonic clock in every process of this machine), so steps can be related to measurements.
     */
    long startSchedule();

    /** The backend's own counters, where it keeps any. */
    Optional<LinkStats> stats();
}
