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
 * for the end of the stream. Reads that reserve nothing here (splice's) are not counted.
 */
final class BudgetedReadAllocator implements RecvByteBufAllocator {
    private final RecvByteBufAllocator delegate;
    private final DirectionQueue queue;

    private BudgetedReadAllocator(RecvByteBufAllocator delegate, DirectionQueue queue) {
        this.delegate = delegate;
        this.queue = queue;
    }

    /**
     * Buffers of at least 2 KiB (Netty's default floor is 64 bytes): a queue is charged by capacity, so a trickle of
     * tiny segments towards a stalled reader fills it with few buffers, and the heap each buffer costs besides
     * (its outbound entry, promise and listener) stays a small fraction of the memory it is charged.
     */
    private static final int MIN_READ = 2048;
    private static final int MAX_READ = 64 * 1024;

    /** Makes {@code source}'s reads fit {@code queue}; before its first read (the handle is made then). */
    static void install(Channel source, DirectionQueue queue) {
        source.config().setRecvByteBufAllocator(new BudgetedReadAllocator(
                new AdaptiveRecvByteBufAllocator(MIN_READ, MIN_READ, MAX_READ), queue));
    }

    @Override
    public Handle newHandle() {
        return new CappedHandle((ExtendedHandle) delegate.newHandle(), queue);
    }

    private static final class CappedHandle extends DelegatingHandle implements ExtendedHandle {
        private final DirectionQueue queue;

        CappedHandle(ExtendedHandle delegate, DirectionQueue queue) {
            super(delegate);
            this.queue = queue;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(queue.reserveRead(guess()));
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
