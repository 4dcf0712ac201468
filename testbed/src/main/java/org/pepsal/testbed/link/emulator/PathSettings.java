package org.pepsal.testbed.link.emulator;

import org.pepsal.testbed.link.DeliveryTrace;
import org.pepsal.testbed.link.LinkDirection;
import org.pepsal.testbed.link.LossModel;
import org.pepsal.testbed.link.QueueLimit;

/**
 * A {@link LinkDirection} turned into the primitives the packet path reads, computed once per schedule step
 * so that the path itself only does arithmetic.
 */
final class PathSettings {
    final boolean unlimitedRate;
    final long rateBitsPerSecond;
    final long delayNanos;
    final long jitterNanos;
    final boolean reordering;
    final long queueLimitBytes;
    final long queueLimitPackets;
    final boolean bernoulli;
    final boolean gilbertElliott;
    final double lossProbability;
    final double goodToBad;
    final double badToGood;
    final double lossInGood;
    final double lossInBad;
    /** Delivery opportunities of a trace within one period, in nanoseconds; null for a constant rate. */
    final long[] traceOpportunityNanos;
    final long tracePeriodNanos;

    PathSettings(LinkDirection direction, long defaultQueueLimitBytes) {
        unlimitedRate = direction.unlimitedRate();
        rateBitsPerSecond = direction.rateBitsPerSecond();
        delayNanos = direction.delay().toNanos();
        jitterNanos = direction.jitter().toNanos();
        reordering = direction.reordering();
        QueueLimit limit = direction.queueLimit();
        boolean packetLimit = limit != null && limit.unit() == QueueLimit.Unit.PACKETS;
        queueLimitPackets = packetLimit ? limit.amount() : Long.MAX_VALUE;
        queueLimitBytes = packetLimit ? Long.MAX_VALUE : defaultQueueLimitBytes;
        LossModel loss = direction.loss();
        bernoulli = loss instanceof LossModel.Bernoulli;
        gilbertElliott = loss instanceof LossModel.GilbertElliott;
        lossProbability = loss instanceof LossModel.Bernoulli b ? b.p() : 0;
        LossModel.GilbertElliott ge = loss instanceof LossModel.GilbertElliott g ? g : null;
        goodToBad = ge == null ? 0 : ge.p();
        badToGood = ge == null ? 0 : ge.r();
        lossInGood = ge == null ? 0 : ge.lossInGood();
        lossInBad = ge == null ? 0 : ge.lossInBad();
        DeliveryTrace trace = direction.trace();
        if (trace == null) {
            traceOpportunityNanos = null;
            tracePeriodNanos = 0;
        } else {
            traceOpportunityNanos = trace.opportunityMillis().stream().mapToLong(ms -> ms * 1_000_000L).toArray();
            tracePeriodNanos = trace.periodMillis() * 1_000_000L;
        }
    }

    long serializationNanos(long bytes) {
        return unlimitedRate ? 0 : bytes * 8_000_000_000L / rateBitsPerSecond;
    }
}
