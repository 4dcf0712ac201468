package org.pepsal.proxy.relay;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.pepsal.proxy.table.ConnectionEntry;
import org.pepsal.proxy.table.IdleTimeouts;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Enforces a connection's {@link IdleTimeouts} on its event loop with one scheduled check, due when the timeout
 * would expire if no data moved meanwhile. The relay does nothing per read: the check asks the kernel (TCP_INFO's
 * last-data times, through {@code refresh}) when data last moved, and either reports the timeout or sets itself
 * for the new expiry. An active connection under a one-hour timeout so costs one check an hour.
 */
final class TimeoutWatch {
    private final IdleTimeouts timeouts;
    private final EventLoop loop;
    private final ConnectionEntry entry;
    private final Runnable refresh;
    private final Consumer<IdleTimeouts.Reason> expired;
    private ScheduledFuture<?> check;
    private IdleTimeouts.Reason watching;
    private boolean stopped;

    /**
     * @param refresh updates the entry's last activity from the kernel, on {@code loop}
     * @param expired told (once, on {@code loop}) which timeout expired; it ends the connection
     */
    TimeoutWatch(IdleTimeouts timeouts, EventLoop loop, ConnectionEntry entry, Runnable refresh,
                 Consumer<IdleTimeouts.Reason> expired) {
        this.timeouts = timeouts;
        this.loop = loop;
        this.entry = entry;
        this.refresh = refresh;
        this.expired = expired;
    }

    /**
     * The entry's state changed (connected, half-closed): the timeout that applies now counts from now, with
     * nothing read from the kernel.
     */
    void stateChanged() {
        IdleTimeouts.Applying applying = timeouts.applying(entry.state());
        IdleTimeouts.Reason reason = applying == null ? null : applying.reason();
        if (stopped || reason == watching) {
            return;
        }
        cancelCheck();
        watching = reason;
        if (applying != null) {
            schedule(applying.limit());
        }
    }

    /** The connection ended: no more checks. */
    void stop() {
        stopped = true;
        cancelCheck();
    }

    private void check() {
        check = null;
        IdleTimeouts.Applying applying = timeouts.applying(entry.state());
        if (stopped || applying == null) {
            return;
        }
        refresh.run();
        Instant expiry = IdleTimeouts.quietSince(entry, applying.reason()).plus(applying.limit());
        Duration left = Duration.between(Instant.now(), expiry);
        if (left.isNegative() || left.isZero()) {
            stop();
            expired.accept(applying.reason());
        } else {
            schedule(left);
        }
    }

    private void schedule(Duration delay) {
        // TCP_INFO's times are in milliseconds: a check a millisecond late never finds the limit not quite reached.
        // (Saturated: a timeout of centuries must not wrap round to a check now, and again, and again.)
        long nanos = Math.min(delay.toNanos(), Long.MAX_VALUE - 1_000_000) + 1_000_000;
        check = loop.schedule(this::check, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancelCheck() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }
}
