package org.pepsal.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * A channel's receive-buffer allocator that makes every read fit its direction's {@link DirectionQueue}: the
 * buffer is the channel's usual guess capped at what the queue's bound and the shared budget have left, so no
 * single read can carry a queue past its bound (Netty otherwise reads up to sixteen buffers per wake-up before it
 * looks at auto-read again). It cannot offer an empty buffer: Netty's epoll channels take a read of zero bytes
 * for the end of the stream. Reads that reserve nothing here (splice's) are not counted against the bound; for
 * them the guess is the length Netty asks one wake-up's splices to move, which is the pipe's capacity.
 */
final class BudgetedReadAllocator implements RecvByteBufAllocator {
    private final RecvByteBufAllocator delegate;
    private final DirectionQueue queue;
    private final int spliceChunk;

    private BudgetedReadAllocator(RecvByteBufAllocator delegate, DirectionQueue queue, int spliceChunk) {
        this.delegate = delegate;
        this.queue = queue;
        this.spliceChunk = spliceChunk;
    }

    /**
     * Buffers of at least 2 KiB (Netty's default floor is 64 bytes): a queue is charged by capacity, so a trickle of
     * tiny segments towards a stalled reader fills it with few buffers, and the heap each buffer costs besides
     * (its outbound entry, promise and listener) stays a small fraction of the memory it is charged.
     */
    private static final int MIN_READ = 2048;
    /** Netty's own maximum, kept for small bounds. */
    private static final int SMALL_MAX_READ = 64 * 1024;
    private static final int LARGEST_READ = 1024 * 1024;

    /**
     * The largest read for a direction of {@code bound} bytes: a quarter of it (256 KiB for the default 1 MiB),
     * so a bulk transfer needs a quarter of the read calls, channel reads and writes of 64 KiB reads, while four
     * reads still fit the bound and reading overlaps with the writes draining it. A read is charged its whole
     * buffer, so the adaptive guess only grows to this after reads that filled their buffers.
     */
    static int maxRead(int bound) {
        return Math.max(SMALL_MAX_READ, Math.min(LARGEST_READ, Integer.highestOneBit(bound / 4)));
    }

    /** Makes {@code source}'s reads fit {@code queue}; before its first read (the handle is made then). */
    static void install(Channel source, DirectionQueue queue) {
        source.config().setRecvByteBufAllocator(new BudgetedReadAllocator(
                new AdaptiveRecvByteBufAllocator(MIN_READ, MIN_READ, maxRead(queue.bound())), queue,
                SplicePipe.capacity(queue.bound())));
    }

    @Override
    public Handle newHandle() {
        return new CappedHandle((ExtendedHandle) delegate.newHandle(), queue, spliceChunk);
    }

    private static final class CappedHandle extends DelegatingHandle implements ExtendedHandle {
        private final DirectionQueue queue;
        private final int spliceChunk;

        CappedHandle(ExtendedHandle delegate, DirectionQueue queue, int spliceChunk) {
            super(delegate);
            this.queue = queue;
            this.spliceChunk = spliceChunk;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(queue.reserveRead(delegate().guess()));
        }

        /**
         * Netty's splice moves at most this much per wake-up (it splices until the pipe is full or the socket has
         * no more, within the guess), so for a spliced direction it is the pipe's capacity.
         */
        @Override
        public int guess() {
            return queue.splicing() ? spliceChunk : delegate().guess();
        }

        @Override
        public void lastBytesRead(int bytes) {
            super.lastBytesRead(bytes);
            queue.readDone(bytes);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return ((ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
        }
    }
}
