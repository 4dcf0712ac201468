package org.pepsal.testbed.link;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole emulated link: its two directions (end a to end b, and back; they may differ, e.g. 50 Mbit/s down
 * and 5 Mbit/s up), how it changes over time, and the seed of its random loss and jitter so runs repeat.
 */
public record LinkSpec(LinkDirection aToB, LinkDirection bToA, Schedule schedule, long seed) {
    /** The default queue is never smaller than this many full packets, even on short links. */
    static final int MINIMUM_DEFAULT_QUEUE_PACKETS = 64;

    public LinkSpec {
        if (aToB == null || bToA == null) {
            throw new IllegalArgumentException("a link needs both directions");
        }
        if (schedule == null) {
            schedule = Schedule.NONE;
        }
    }

    public static LinkSpec symmetric(LinkDirection direction) {
        return new LinkSpec(direction, direction, Schedule.NONE, 1);
    }

    public static LinkSpec asymmetric(LinkDirection aToB, LinkDirection bToA) {
        return new LinkSpec(aToB, bToA, Schedule.NONE, 1);
    }

    public LinkSpec withSchedule(Schedule newSchedule) {
        return new LinkSpec(aToB, bToA, newSchedule, seed);
    }

    public LinkSpec withSeed(long newSeed) {
        return new LinkSpec(aToB, bToA, schedule, newSeed);
    }

    /** The round-trip time of an empty link: both one-way delays. */
    public Duration baseRtt() {
        return aToB.delay().plus(bToA.delay());
    }

    /**
     * The queue limit of a direction in bytes: the configured one, or else one bandwidth-delay product
     * (rate × base RTT) so that a single flow can fill the link without the queue dropping first — netem's
     * default of 1000 packets silently drops at satellite BDPs — and never less than
     * {@value #MINIMUM_DEFAULT_QUEUE_PACKETS} full packets.
     */
    public static long queueLimitBytes(LinkDirection direction, Duration baseRtt) {
        if (direction.queueLimit() != null) {
            return direction.queueLimit().inBytes(direction.mtu());
        }
        long floor = (long) MINIMUM_DEFAULT_QUEUE_PACKETS * direction.mtu();
        if (direction.unlimitedRate()) {
            return Math.max(floor, 64L << 20);
        }
        double bdpBytes = direction.rateBitsPerSecond() / 8.0 * baseRtt.toNanos() / 1e9;
        return Math.max(floor, (long) Math.ceil(bdpBytes));
    }

    public long queueLimitBytes(LinkDirection direction) {
        return queueLimitBytes(direction, baseRtt());
    }

    /** Every setting each direction takes over the link's life: the initial ones, then each step's. */
    public List<LinkDirection> allSettings(boolean aToBDirection) {
        List<LinkDirection> all = new ArrayList<>();
        all.add(aToBDirection ? aToB : bToA);
        for (Schedule.Step step : schedule.steps()) {
            all.add(aToBDirection ? step.aToB() : step.bToA());
        }
        return all;
    }
}
