package org.pepsal.proxy.relay;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SocketSetupTest {
    @Test
    void anOptionThatThrowsClosesTheNewSocket() {
        assumeTrue(Epoll.isAvailable(), "epoll (Linux) is needed");
        EpollSocketChannel channel = new EpollSocketChannel();
        assertThat(channel.fd().isOpen()).isTrue();

        assertThatThrownBy(() -> SocketSetup.configured(channel, c -> {
            throw new IllegalStateException("option refused");
        })).hasMessage("option refused");

        assertThat(channel.fd().isOpen()).as("the socket's descriptor").isFalse();
    }

    @Test
    void aChannelWhoseOptionsAllApplyStaysOpen() {
        assumeTrue(Epoll.isAvailable(), "epoll (Linux) is needed");
        EpollSocketChannel channel = SocketSetup.configured(new EpollSocketChannel(), c -> c.config().setReuseAddress(true));
        try {
            assertThat(channel.fd().isOpen()).isTrue();
        } finally {
            channel.unsafe().closeForcibly();
        }
    }
}
