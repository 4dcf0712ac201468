package org.pepsal.testbed.link.emulator;

import org.pepsal.testbed.link.DeliveryTrace;

/**
 * When a packet has left the bottleneck: after its serialisation at a constant rate, or at the delivery
 * opportunities of a Mahimahi trace, {@link DeliveryTrace#BYTES_PER_OPPORTUNITY} bytes each. A trace's clock
 * starts when the settings in force do ({@link #restart}): at the workload's start or at a schedule step.
 */
final class Bottleneck {
    private long since;
    private long opportunity;
    private int bytesLeft;

    /** New settings apply from {@code since} on; a trace starts over from its first opportunity there. */
    void restart(long since) {
        this.since = since;
        opportunity = 0;
        bytesLeft = 0;
    }

    /** When {@code bytes} that may start at {@code start} have left the bottleneck under {@code settings}. */
    long transmissionEnd(PathSettings settings, long start, int bytes) {
        if (settings.traceOpportunityNanos == null) {
            return start + settings.serializationNanos(bytes);
        }
        if (bytesLeft == 0 || opportunityTime(settings, opportunity) < start) {
            opportunity = firstOpportunityAtOrAfter(settings, start);
            bytesLeft = DeliveryTrace.BYTES_PER_OPPORTUNITY;
        }
        int needed = bytes;
        while (needed > bytesLeft) {
            needed -= bytesLeft;
            opportunity++;
            bytesLeft = DeliveryTrace.BYTES_PER_OPPORTUNITY;
        }
        bytesLeft -= needed;
        return opportunityTime(settings, opportunity);
    }

    private long opportunityTime(PathSettings settings, long index) {
        long[] opportunities = settings.traceOpportunityNanos;
        long period = index / opportunities.length;
        return since + period * settings.tracePeriodNanos + opportunities[(int) (index % opportunities.length)];
    }

    private long firstOpportunityAtOrAfter(PathSettings settings, long time) {
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
