package org.pepsal.proxy.relay;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits on the listening socket. When accept fails (typically EMFILE: out of file descriptors) Netty's acceptor
 * pauses accepting for a second, so a full descriptor table never turns into a busy loop (the original spun at
 * 98 % CPU); this handler says so in the log, at most once every ten seconds.
 */
@ChannelHandler.Sharable
final class AcceptErrorHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptErrorHandler.class);
    private static final long QUIET_NANOS = 10_000_000_000L;
    private volatile long lastWarning = System.nanoTime() - QUIET_NANOS;

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        long now = System.nanoTime();
        if (now - lastWarning >= QUIET_NANOS) {
            lastWarning = now;
            LOG.warn("accept failed on {}: {}; accepting pauses for 1 s and retries", ctx.channel().localAddress(),
                    RelayHandler.describe(cause));
        }
        ctx.fireExceptionCaught(cause);
    }
}
