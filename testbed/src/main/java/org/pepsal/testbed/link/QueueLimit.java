package org.pepsal.testbed.link;

/** The bottleneck queue's capacity: packets beyond it are tail-dropped. */
public record QueueLimit(long amount, Unit unit) {
    public enum Unit { BYTES, PACKETS }

    public QueueLimit {
        if (amount < 1) {
            throw new IllegalArgumentException("queue limit must be positive: " + amount);
        }
        if (unit == null) {
            throw new IllegalArgumentException("queue limit needs a unit");
        }
    }

    public static QueueLimit bytes(long bytes) {
        return new QueueLimit(bytes, Unit.BYTES);
    }

    public static QueueLimit packets(long packets) {
        return new QueueLimit(packets, Unit.PACKETS);
    }

    /** The limit in bytes, counting a packet limit in full-sized packets. */
    public long inBytes(int mtu) {
        return unit == Unit.BYTES ? amount : amount * mtu;
    }

    /** The limit in packets, counting a byte limit in full-sized packets (at least one). */
    public long inPackets(int mtu) {
        return unit == Unit.PACKETS ? amount : Math.max(1, amount / mtu);
    }

    @Override
    public String toString() {
        return amount + (unit == Unit.BYTES ? " B" : " packets");
    }
}
