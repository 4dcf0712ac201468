package org.pepsal.proxy.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The proxy's event loops, which also choose the loop an accepted connection lives on. Each loop has its own
 * listener (SO_REUSEPORT), and the kernel picks the listener by a hash of the connection's addresses, so two bulk
 * transfers land on one loop while another idles as often as not. An accepted connection stays on the loop that
 * accepted it (no hand-off) unless that loop holds {@value #IMBALANCE} or more connections than the least loaded
 * one; then it is registered there instead, before anything is read from it, and its server leg follows it (it
 * is opened on the client leg's loop). Counted are the accepted connections not yet closed, whatever they carry.
 */
final class ConnectionLoops extends MultiThreadIoEventLoopGroup {
    /** How many more connections the accepting loop may hold than the least loaded before one is moved. */
    static final int IMBALANCE = 2;
    private final EventLoop[] loops;
    private final AtomicIntegerArray connections;
    /** One per loop, shared by its connections: counts a closed one out. */
    private final ChannelFutureListener[] closed;

    ConnectionLoops(int threads, IoHandlerFactory handlers) {
        super(threads, handlers);
        loops = new EventLoop[threads];
        int i = 0;
        for (EventExecutor executor : this) {
            loops[i++] = (EventLoop) executor;
        }
        connections = new AtomicIntegerArray(threads);
        closed = new ChannelFutureListener[threads];
        for (int loop = 0; loop < threads; loop++) {
            int index = loop;
            closed[loop] = f -> connections.decrementAndGet(index);
        }
    }

    /** Registers an accepted connection on its loop; the listeners' acceptors call this on their own loop. */
    @Override
    public ChannelFuture register(Channel channel) {
        int chosen = choose();
        connections.incrementAndGet(chosen);
        channel.closeFuture().addListener(closed[chosen]);
        return loops[chosen].register(channel);
    }

    /** The calling loop, unless it holds IMBALANCE more connections than the least loaded; off a loop, the least. */
    int choose() {
        int least = 0;
        int here = -1;
        for (int i = 0; i < loops.length; i++) {
            if (connections.get(i) < connections.get(least)) {
                least = i;
            }
            if (loops[i].inEventLoop()) {
                here = i;
            }
        }
        return here >= 0 && connections.get(here) - connections.get(least) < IMBALANCE ? here : least;
    }

    /** The accepted connections living on each loop now. */
    int[] connections() {
        int[] counts = new int[loops.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = connections.get(i);
        }
        return counts;
    }
}
