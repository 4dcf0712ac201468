package org.pepsal.proxy.relay;

import io.netty.channel.Channel;

import java.util.function.Consumer;

/** Socket options set on a channel whose socket was just created, before anything else holds the channel. */
final class SocketSetup {
    private SocketSetup() {
    }

    /**
     * Runs {@code configure} on {@code channel}; if an option throws, the socket is closed before the failure goes
     * on, since nothing else would ever close it.
     */
    static <C extends Channel> C configured(C channel, Consumer<? super C> configure) {
        try {
            configure.accept(channel);
            return channel;
        } catch (RuntimeException | Error e) {
            channel.unsafe().closeForcibly();
            throw e;
        }
    }
}
