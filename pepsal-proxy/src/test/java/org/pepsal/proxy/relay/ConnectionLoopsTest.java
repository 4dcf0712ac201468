package org.pepsal.proxy.relay;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Where accepted connections are registered, with two real epoll loops. */
class ConnectionLoopsTest {
    private final ConnectionLoops loops = new ConnectionLoops(2, KeepRegisteredIoHandler.newFactory());
    private final List<EventLoop> each = new ArrayList<>();

    ConnectionLoopsTest() {
        for (EventExecutor executor : loops) {
            each.add((EventLoop) executor);
        }
    }

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Registers a new channel as the acceptor of {@code accepting}'s listener would; returns it, registered. */
    private Channel accept(EventLoop accepting) throws Exception {
        EpollSocketChannel channel = new EpollSocketChannel();
        accepting.submit(() -> loops.register(channel)).get().sync();
        return channel;
    }

    @Test
    void aConnectionStaysWhereItWasAcceptedUntilThatLoopHoldsTwoMoreThanAnother() throws Exception {
        EventLoop first = each.get(0);
        EventLoop second = each.get(1);
        Channel a = accept(first);
        Channel b = accept(first);
        assertThat(a.eventLoop()).isSameAs(first);
        assertThat(b.eventLoop()).as("one more than the other loop: no hand-off yet").isSameAs(first);
        Channel c = accept(first);
        assertThat(c.eventLoop()).as("two more: the idle loop takes it").isSameAs(second);
        assertThat(loops.connections()).containsExactly(2, 1);

        a.close().sync();
        b.close().sync();
        assertThat(loops.connections()).containsExactly(0, 1);
        Channel d = accept(second);
        assertThat(d.eventLoop()).isSameAs(second);
        Channel e = accept(second);
        assertThat(e.eventLoop()).isSameAs(first);
        for (Channel channel : List.of(c, d, e)) {
            channel.close().sync();
        }
        assertThat(loops.connections()).containsExactly(0, 0);
    }

    @Test
    void offTheLoopsTheLeastLoadedIsChosen() throws Exception {
        Channel a = accept(each.get(0));
        EpollSocketChannel channel = new EpollSocketChannel();
        loops.register(channel).sync();
        assertThat(channel.eventLoop()).isSameAs(each.get(1));
        a.close().sync();
        channel.close().sync();
    }
}
