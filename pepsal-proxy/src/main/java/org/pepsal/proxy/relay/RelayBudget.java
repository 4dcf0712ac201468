package org.pepsal.proxy.relay;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes all connections together may hold in user space: read from one leg and not yet written to the
 * other's socket ({@code --relay-memory}). Every read reserves its buffer from here before it is made, so the
 * total stays within the limit however many event loops read at once, but for one byte per direction whose read
 * was resumed just before others spent the budget (see {@link #reserve}). A direction whose read finds the budget
 * spent pauses and waits here; once the total is back under three quarters of the limit every waiting direction
 * reads again. Thread-safe: event loops share it.
 */
final class RelayBudget {
    private final long limit;
    private final long resumeBelow;
    private final AtomicLong queued = new AtomicLong();
    private final Queue<DirectionQueue> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final LongAdder pauses = new LongAdder();

    RelayBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the relay budget must be >= 1 byte, not " + limit);
        }
        this.limit = limit;
        this.resumeBelow = limit - limit / 4;
    }

    /**
     * Takes up to {@code wanted} bytes for a read about to be made. At least one byte is always granted: Netty takes
     * a read into an empty buffer for the end of the stream, so a read that cannot be avoided must have room for a
     * byte; the direction then pauses before its next read.
     */
    int reserve(int wanted) {
        while (true) {
            long now = queued.get();
            long grant = Math.max(1, Math.min(wanted, limit - now));
            if (queued.compareAndSet(now, now + grant)) {
                return (int) grant;
            }
        }
    }

    /** Gives back bytes written out (or dropped, or reserved and not read); may let waiting directions read. */
    void release(long bytes) {
        long after = queued.addAndGet(-bytes);
        if (after < resumeBelow && !waiting.isEmpty()) {
            resumeWaiting();
        }
    }

    boolean spent() {
        return queued.get() >= limit;
    }

    /** {@code direction} paused because the budget is spent: it is told when it may read again. */
    void await(DirectionQueue direction) {
        if (paused.compareAndSet(false, true)) {
            pauses.increment();
        }
        waiting.add(direction);
        // A release between the caller's check and the add would otherwise leave it waiting for good.
        if (queued.get() < resumeBelow) {
            resumeWaiting();
        }
    }

    private void resumeWaiting() {
        paused.set(false);
        for (DirectionQueue direction; (direction = waiting.poll()) != null; ) {
            direction.budgetAvailable();
        }
    }

    long limit() {
        return limit;
    }

    /** Bytes held now (reserved for reads under way included). */
    long queued() {
        return queued.get();
    }

    /** How many times the budget was reached and reading paused everywhere until it drained. */
    long pauses() {
        return pauses.sum();
    }
}
