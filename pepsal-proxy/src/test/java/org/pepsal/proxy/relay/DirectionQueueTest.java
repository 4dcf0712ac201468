package org.pepsal.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/** A direction's queue steering its source leg's reading, on an embedded channel. */
class DirectionQueueTest {
    private static final int BOUND = 64 * 1024;
    private final LongAdder boundPauses = new LongAdder();
    private final EmbeddedChannel source = new EmbeddedChannel();
    private final EmbeddedChannel target = new EmbeddedChannel();

    @AfterEach
    void close() {
        source.close();
        target.close();
    }

    private DirectionQueue started(RelayBudget budget) {
        DirectionQueue queue = new DirectionQueue(source, BOUND, budget, boundPauses);
        source.config().setAutoRead(false);
        queue.start();
        return queue;
    }

    /** One read of {@code wanted}, filled: returns the buffer, as the queue now holds it. */
    private static ByteBuf read(DirectionQueue queue, int wanted) {
        ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(queue.reserveRead(wanted));
        buffer.writerIndex(buffer.capacity());
        queue.readDone(buffer.capacity());
        return buffer;
    }

    @Test
    void readsAreCappedAtTheBoundAndReadingPausesThereUntilHalfIsWritten() {
        RelayBudget budget = new RelayBudget(1 << 30);
        DirectionQueue queue = started(budget);
        assertThat(source.config().isAutoRead()).isTrue();
        ByteBuf first = read(queue, 40 * 1024);
        ByteBuf second = read(queue, 40 * 1024);
        assertThat(second.capacity()).as("capped at what the bound has left").isEqualTo(24 * 1024);
        assertThat(budget.queued()).isEqualTo(BOUND);
        assertThat(source.config().isAutoRead()).isFalse();
        assertThat(boundPauses.sum()).isEqualTo(1);

        target.writeAndFlush(second, queue.writePromise(target, second));
        assertThat(source.config().isAutoRead()).as("40 KiB still held: more than half").isFalse();
        target.writeAndFlush(first, queue.writePromise(target, first));
        assertThat(source.config().isAutoRead()).isTrue();
        assertThat(budget.queued()).isZero();
        target.releaseOutbound();
    }

    @Test
    void aReadThatTookNothingGivesItsReservationBack() {
        RelayBudget budget = new RelayBudget(1 << 30);
        DirectionQueue queue = started(budget);
        queue.reserveRead(8192);
        queue.readDone(-1);
        assertThat(budget.queued()).isZero();
        queue.reserveRead(8192); // a read that failed reports nothing: closing gives it back
        queue.closed();
        assertThat(budget.queued()).isZero();
    }

    @Test
    void aSpentBudgetPausesEveryDirectionUntilItHasDrained() {
        RelayBudget budget = new RelayBudget(BOUND);
        DirectionQueue one = started(budget);
        EmbeddedChannel otherSource = new EmbeddedChannel();
        DirectionQueue other = new DirectionQueue(otherSource, BOUND, budget, boundPauses);
        otherSource.config().setAutoRead(false);
        other.start();
        ByteBuf held = read(one, BOUND / 2);
        ByteBuf rest = read(other, BOUND);
        assertThat(rest.capacity()).as("what the budget had left").isEqualTo(BOUND / 2);
        assertThat(otherSource.config().isAutoRead()).isFalse();
        assertThat(budget.pauses()).isEqualTo(1);
        assertThat(one.reserveRead(1024)).as("a read that cannot be avoided gets one byte").isEqualTo(1);
        one.readDone(1);
        assertThat(source.config().isAutoRead()).isFalse();

        target.writeAndFlush(held, one.writePromise(target, held));
        source.runPendingTasks();
        otherSource.runPendingTasks();
        assertThat(source.config().isAutoRead()).isTrue();
        assertThat(otherSource.config().isAutoRead()).isTrue();
        assertThat(boundPauses.sum()).isZero();
        rest.release();
        target.releaseOutbound();
        otherSource.close();
    }

    @Test
    void theAllocatorCapsEveryReadAtWhatIsLeft() {
        RelayBudget budget = new RelayBudget(1 << 30);
        DirectionQueue queue = started(budget);
        BudgetedReadAllocator.install(source, queue);
        RecvByteBufAllocator.Handle handle = source.config().getRecvByteBufAllocator().newHandle();
        handle.reset(source.config());
        for (int held = 0; held < BOUND; ) {
            ByteBuf buffer = handle.allocate(ByteBufAllocator.DEFAULT);
            assertThat(buffer.capacity()).isLessThanOrEqualTo(BOUND - held);
            held += buffer.capacity();
            handle.lastBytesRead(buffer.capacity());
            buffer.release();
        }
        assertThat(budget.queued()).isEqualTo(BOUND);
        assertThat(source.config().isAutoRead()).isFalse();
    }

    @Test
    void bulkReadsGrowToAQuarterOfTheBoundAndNoFurther() {
        int bound = 1024 * 1024;
        DirectionQueue queue = new DirectionQueue(source, bound, new RelayBudget(1 << 30), boundPauses);
        source.config().setAutoRead(false);
        queue.start();
        BudgetedReadAllocator.install(source, queue);
        RecvByteBufAllocator.Handle handle = source.config().getRecvByteBufAllocator().newHandle();
        int largest = 0;
        for (int wakeUp = 0; wakeUp < 8; wakeUp++) {
            handle.reset(source.config());
            ByteBuf buffer = handle.allocate(ByteBufAllocator.DEFAULT);
            largest = Math.max(largest, buffer.capacity());
            handle.attemptedBytesRead(buffer.capacity());
            handle.lastBytesRead(buffer.capacity()); // filled: the socket had more
            handle.readComplete();
            queue.written(buffer.capacity());
            buffer.release();
        }
        assertThat(largest).isEqualTo(BudgetedReadAllocator.maxRead(bound)).isEqualTo(256 * 1024);
        assertThat(BudgetedReadAllocator.maxRead(16 * 1024)).as("small bounds keep Netty's maximum")
                .isEqualTo(64 * 1024);
    }

    @Test
    void aSplicedDirectionAsksForAPipesWorthAndCountsWhatItSpliced() {
        int bound = 1024 * 1024;
        DirectionQueue queue = new DirectionQueue(source, bound, new RelayBudget(bound), boundPauses);
        BudgetedReadAllocator.install(source, queue);
        RecvByteBufAllocator.Handle handle = source.config().getRecvByteBufAllocator().newHandle();
        queue.startSplicing();
        handle.reset(source.config());
        assertThat(handle.guess()).isEqualTo(SplicePipe.capacity(bound));
        handle.lastBytesRead(300_000);
        handle.lastBytesRead(0);
        assertThat(queue.spliced()).isEqualTo(300_000);
        assertThat(queue.splicing()).isTrue();
    }

    @Test
    void eachWriteGivesBackItsOwnBuffer() {
        RelayBudget budget = new RelayBudget(1 << 30);
        DirectionQueue queue = started(budget);
        ByteBuf small = read(queue, 4096);
        ByteBuf large = read(queue, 32 * 1024);
        target.writeAndFlush(large, queue.writePromise(target, large));
        assertThat(budget.queued()).isEqualTo(4096);
        target.writeAndFlush(small, queue.writePromise(target, small));
        assertThat(budget.queued()).isZero();
        target.releaseOutbound();
    }
}
