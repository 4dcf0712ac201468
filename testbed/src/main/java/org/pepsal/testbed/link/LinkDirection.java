package org.pepsal.testbed.link;

import java.time.Duration;

/**
 * One direction of an emulated link, in the terms of Mininet's {@code TCLink}: a bottleneck of
 * {@code rateBitsPerSecond} with a FIFO queue of {@code queueLimit} (tail drop), then loss, then a one-way
 * {@code delay} with uniform {@code jitter} of up to ± that much. Packet order is kept unless
 * {@code reordering} is set. A {@code trace} (Mahimahi format), when present, replaces the constant rate.
 *
 * @param queueLimit null for the default, which the {@link LinkSpec} derives from the bandwidth-delay product
 * @param trace      null for the constant {@code rateBitsPerSecond}
 */
public record LinkDirection(long rateBitsPerSecond, Duration delay, Duration jitter, LossModel loss,
                            QueueLimit queueLimit, int mtu, boolean reordering, DeliveryTrace trace) {
    public static final int DEFAULT_MTU = 1500;
    /** A rate so high that the shaper never holds a packet: for measuring the emulator itself. */
    public static final long UNLIMITED_RATE = Long.MAX_VALUE;

    public LinkDirection {
        if (rateBitsPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive: " + rateBitsPerSecond + " bit/s");
        }
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("delay must be zero or positive: " + delay);
        }
        if (jitter == null || jitter.isNegative() || jitter.compareTo(delay) > 0) {
            throw new IllegalArgumentException("jitter must be between 0 and the delay (" + delay + "): " + jitter);
        }
        if (loss == null) {
            throw new IllegalArgumentException("loss model missing (use LossModel.none())");
        }
        if (mtu < 68 || mtu > 9000) {
            throw new IllegalArgumentException("MTU must be within 68..9000: " + mtu);
        }
    }

    /** A lossless direction with the given rate and one-way delay, default MTU and queue. */
    public static LinkDirection of(long rateBitsPerSecond, Duration delay) {
        return new LinkDirection(rateBitsPerSecond, delay, Duration.ZERO, LossModel.none(), null, DEFAULT_MTU,
                false, null);
    }

    public LinkDirection withRate(long bitsPerSecond) {
        return new LinkDirection(bitsPerSecond, delay, jitter, loss, queueLimit, mtu, reordering, trace);
    }

    public LinkDirection withDelay(Duration oneWay) {
        return new LinkDirection(rateBitsPerSecond, oneWay, jitter, loss, queueLimit, mtu, reordering, trace);
    }

    public LinkDirection withJitter(Duration upTo, boolean allowReordering) {
        return new LinkDirection(rateBitsPerSecond, delay, upTo, loss, queueLimit, mtu, allowReordering, trace);
    }

    public LinkDirection withLoss(LossModel model) {
        return new LinkDirection(rateBitsPerSecond, delay, jitter, model, queueLimit, mtu, reordering, trace);
    }

    public LinkDirection withQueueLimit(QueueLimit limit) {
        return new LinkDirection(rateBitsPerSecond, delay, jitter, loss, limit, mtu, reordering, trace);
    }

    public LinkDirection withMtu(int bytes) {
        return new LinkDirection(rateBitsPerSecond, delay, jitter, loss, queueLimit, bytes, reordering, trace);
    }

    /** Replaces the constant rate by a delivery trace; the nominal rate becomes the trace's mean rate. */
    public LinkDirection withTrace(DeliveryTrace deliveryTrace) {
        return new LinkDirection(deliveryTrace.meanRateBitsPerSecond(), delay, jitter, loss, queueLimit, mtu,
                reordering, deliveryTrace);
    }

    public boolean unlimitedRate() {
        return rateBitsPerSecond == UNLIMITED_RATE;
    }

    /** The time the bottleneck needs to send {@code bytes} at the constant rate. */
    public long serializationNanos(long bytes) {
        return unlimitedRate() ? 0 : bytes * 8_000_000_000L / rateBitsPerSecond;
    }
}
