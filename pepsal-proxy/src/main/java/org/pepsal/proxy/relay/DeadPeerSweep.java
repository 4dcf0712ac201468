package org.pepsal.proxy.relay;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import org.pepsal.proxy.socket.DeadPeerDetection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Gives server legs their keepalive and TCP_USER_TIMEOUT once they have lived a moment rather than at their
 * connect: five setsockopt calls a connection, which the short connections that make up most of a gateway's
 * close before they could ever matter. Both settings guard against peers quiet for far longer than the wait (it
 * is at most a quarter of the keepalive idle and of the user timeout, and at most {@link #MAX_WAIT}), and the
 * kernel counts TCP_USER_TIMEOUT from the first unacknowledged retransmission whenever it is set, so a leg has the
 * same protection. A client leg needs none of this: it inherits both from its listener.
 * <p>
 * One sweep per event loop, scheduled when the first leg of a batch waits, so an idle proxy never wakes for it. A
 * connection that ends first takes itself out of its slot, so no closed connection is held until the sweep.
 */
final class DeadPeerSweep {
    static final Duration MAX_WAIT = Duration.ofSeconds(1);

    private final long waitNanos;
    private final FastThreadLocal<Batch> batches = new FastThreadLocal<>() {
        @Override
        protected Batch initialValue() {
            return new Batch();
        }
    };

    /** The connections of one loop waiting for the sweep; only that loop touches it. */
    private static final class Batch {
        final List<SplitConnection> waiting = new ArrayList<>();
        boolean scheduled;
    }

    private DeadPeerSweep(Duration wait) {
        this.waitNanos = wait.toNanos();
    }

    /** A sweep for {@code deadPeers}, or null when neither setting is on (nothing to apply). */
    static DeadPeerSweep of(DeadPeerDetection deadPeers) {
        Duration wait = MAX_WAIT;
        if (deadPeers.keepAlive().on()) {
            wait = min(wait, Duration.ofSeconds(deadPeers.keepAlive().idleSeconds()).dividedBy(4));
        }
        if (!deadPeers.userTimeout().isZero()) {
            wait = min(wait, deadPeers.userTimeout().dividedBy(4));
        }
        return deadPeers.keepAlive().on() || !deadPeers.userTimeout().isZero() ? new DeadPeerSweep(wait) : null;
    }

    Duration waitTime() {
        return Duration.ofNanos(waitNanos);
    }

    /** On {@code loop}, the connection's: its server leg gets both settings at the loop's next sweep. */
    void add(SplitConnection connection, EventLoop loop) {
        Batch batch = batches.get();
        connection.deadPeerSlot(batch.waiting.size());
        batch.waiting.add(connection);
        if (!batch.scheduled) {
            batch.scheduled = true;
            loop.schedule(() -> sweep(batch), waitNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** On the connection's loop, as it ends: it no longer waits. */
    void remove(SplitConnection connection) {
        int slot = connection.deadPeerSlot();
        if (slot >= 0) {
            batches.get().waiting.set(slot, null);
            connection.deadPeerSlot(-1);
        }
    }

    private static void sweep(Batch batch) {
        batch.scheduled = false;
        for (SplitConnection connection : batch.waiting) {
            if (connection != null) {
                connection.deadPeerSlot(-1);
                connection.applyDeadPeers();
            }
        }
        batch.waiting.clear();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
