package org.pepsal.testbed.link.emulator;

import org.pepsal.testbed.link.DeliveryTrace;

/**
 * When a packet has left the bottleneck: after its serialisation at a constant rate, or at the delivery
 * opportunities of a Mahimahi trace, {@link DeliveryTrace#BYTES_PER_OPPORTUNITY} bytes each. A trace's clock
 * starts when its settings do ({@link #restart}): at the workload's start or at a schedule step.
 */
final class Bottleneck {
    private PathSettings settings;
    private long since;
    private long opportunity;
    private int bytesLeft;

    Bottleneck(PathSettings settings, long since) {
        restart(settings, since);
    }

    /** {@code settings} apply from {@code since} on; a trace starts over from its first opportunity there. */
    void restart(PathSettings settings, long since) {
        this.settings = settings;
        this.since = since;
        opportunity = 0;
        bytesLeft = 0;
    }

    /** When {@code bytes} that may start at {@code start} have left the bottleneck. */
    long transmissionEnd(long start, int bytes) {
        if (settings.traceOpportunityNanos == null) {
            return start + settings.serializationNanos(bytes);
        }
        if (bytesLeft == 0 || opportunityTime(opportunity) < start) {
            opportunity = firstOpportunityAtOrAfter(start);
            bytesLeft = DeliveryTrace.BYTES_PER_OPPORTUNITY;
        }
        int needed = bytes;
        while (needed > bytesLeft) {
            needed -= bytesLeft;
            opportunity++;
            bytesLeft = DeliveryTrace.BYTES_PER_OPPORTUNITY;
        }
        bytesLeft -= needed;
        return opportunityTime(opportunity);
    }

    private long opportunityTime(long index) {
        long[] opportunities = settings.traceOpportunityNanos;
        long period = index / opportunities.length;
        return since + period * settings.tracePeriodNanos + opportunities[(int) (index % opportunities.length)];
    }

    private long firstOpportunityAtOrAfter(long time) {
        long[] opportunities = settings.traceOpportunityNanos;
        long sincePeriodStart = Math.max(0, time - since);
        long period = sincePeriodStart / settings.tracePeriodNanos;
        long within = sincePeriodStart % settings.tracePeriodNanos;
        int low = 0;
        int high = opportunities.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (opportunities[middle] < within) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return period * opportunities.length + low;
    }
}
