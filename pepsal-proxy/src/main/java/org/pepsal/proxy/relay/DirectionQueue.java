package org.pepsal.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one direction of a connection holds in user space: the buffers read from its source leg and not yet
 * written to the other leg's socket (in the splitter before the server leg is up, then in the other leg's outbound
 * buffer), counted by their capacity, which is the memory they hold (many small reads cannot hide in large
 * buffers). It holds at most {@code bound} ({@code --relay-buffer}) bytes: each read's buffer is capped at what is
 * left (see {@link BudgetedReadAllocator}), the source stops reading when the bound is reached and reads again once
 * half has been written. Reads also draw on the {@link RelayBudget} all connections share. Runs on the
 * connection's event loop, except {@link #budgetAvailable()}.
 */
final class DirectionQueue {
    private final Channel source;
    private final int bound;
    private final RelayBudget budget;
    private final LongAdder boundPauses;
    private long queued;
    /** The buffer reserved from the budget for the read under way; 0 when none is (splice reads reserve nothing). */
    private int reserved;
    /** Whether the connection lets this direction read (its server leg is up, its input has not ended). */
    private boolean started;
    /** Whether this queue switches the source's reading; splice mode's directions are steered by Netty. */
    private boolean steering = true;
    private boolean splicing;
    private boolean full;
    private boolean awaitingBudget;
    /** Bytes spliced in this direction so far (splice reads go into a pipe and are not queued here). */
    private long spliced;
    /** One listener for every write of this direction: the buffer's capacity travels in its promise. */
    private final ChannelFutureListener writtenListener = f -> {
        written(((HeldPromise) f).held);
        if (!f.isSuccess() && f.channel().isRegistered()) {
            f.channel().pipeline().fireExceptionCaught(f.cause());
        }
    };

    DirectionQueue(Channel source, int bound, RelayBudget budget, LongAdder boundPauses) {
        this.source = source;
        this.bound = bound;
        this.budget = budget;
        this.boundPauses = boundPauses;
    }

    /**
     * The capacity of the buffer for the read about to be made, at most {@code wanted}; at least one byte (see
     * RelayBudget), which can take a queue one byte past its bound only on a read Netty makes while it is paused
     * (to report an error).
     */
    int reserveRead(int wanted) {
        releaseReserved(); // a read that failed before it reported its bytes
        reserved = budget.reserve((int) Math.max(1, Math.min(wanted, bound - queued)));
        return reserved;
    }

    /** The read reserved by {@link #reserveRead} took {@code bytes} (0 or less: its buffer was released). */
    void readDone(int bytes) {
        if (reserved == 0) {
            if (bytes > 0) {
                spliced += bytes;
            }
            return;
        }
        if (bytes <= 0) {
            releaseReserved();
            return;
        }
        queued += reserved;
        reserved = 0;
        if (queued >= bound) {
            if (!full) {
                full = true;
                boundPauses.increment();
            }
            steer();
        } else if (budget.spent() && !awaitingBudget) {
            awaitingBudget = true;
            steer();
            budget.await(this);
        }
    }

    /**
     * A promise for writing {@code buffer} (read in this direction) to {@code target}: completed, the buffer leaves
     * the queue. A failed write is reported on {@code target}'s pipeline, as its void promise would.
     */
    ChannelPromise writePromise(Channel target, ByteBuf buffer) {
        return new HeldPromise(target, buffer.capacity()).addListener(writtenListener);
    }

    /** A write's promise that knows how much of the queue its buffer holds; one object per write. */
    private static final class HeldPromise extends DefaultChannelPromise {
        private final int held;

        HeldPromise(Channel target, int held) {
            super(target);
            this.held = held;
        }
    }

    /** A buffer of {@code bytes} capacity left user space (written to the socket, or dropped with its connection). */
    void written(int bytes) {
        queued -= bytes;
        budget.release(bytes);
        if (full && queued <= bound / 2) {
            full = false;
            steer();
        }
    }

    /** Called by the budget, from any thread, once it has drained. */
    void budgetAvailable() {
        try {
            source.eventLoop().execute(() -> {
                awaitingBudget = false;
                steer();
            });
        } catch (RejectedExecutionException e) {
            // The proxy is stopping: its event loops, and this connection with them, are gone.
        }
    }

    /** The connection lets this direction read from now on (within its bound and the budget). */
    void start() {
        started = true;
        steer();
    }

    /** From now on the source is spliced and Netty switches its reading; this queue only counts. */
    void startSplicing() {
        splicing = true;
        steering = false;
    }

    /** Nothing is left to read: what the queue still holds drains without turning reading back on. */
    void stopSteering() {
        steering = false;
    }

    /** The most this direction holds in user space ({@code --relay-buffer}). */
    int bound() {
        return bound;
    }

    /** Whether this direction is spliced (each read a splice into a pipe, not into a buffer). */
    boolean splicing() {
        return splicing;
    }

    /** Bytes this direction has spliced so far. */
    long spliced() {
        return spliced;
    }

    /** The connection ended: a reservation left by a failed read goes back to the budget. */
    void closed() {
        releaseReserved();
        steering = false;
    }

    private void releaseReserved() {
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }

    private void steer() {
        if (steering) {
            source.config().setAutoRead(started && !full && !awaitingBudget);
        }
    }
}
