package org.pepsal.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import org.pepsal.proxy.table.FlowKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of an accepted (TPROXY-diverted) connection: its local address is the original
 * destination. Enters it in the table, or resets it when the table is full, and starts the split. With Fast Open
 * the server leg connects once the client's first bytes are here (or after {@code --fastopen-wait} without them),
 * so that its SYN can carry them: a client speaking first sends its request in the same burst as the handshake's
 * last ACK, so the wait ends within moments, while a server speaking first pays the wait once.
 */
final class Splitter extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(Splitter.class);
    private static final RateLimitedWarning OVER_LIMIT_WARNING = new RateLimitedWarning(LOG);
    private static final RateLimitedWarning OVER_SOURCE_LIMIT_WARNING = new RateLimitedWarning(LOG);
    private final ProxyServices services;
    private final List<Object> early = new ArrayList<>();
    private boolean endedEarly;
    private SplitConnection connection;
    /** Admitted, with the server leg's connect held back for the client's first bytes. */
    private boolean waiting;
    private ScheduledFuture<?> firstBytesWait;
    /** The client-to-server direction: what is kept here counts towards its bound. */
    private DirectionQueue toServer;

    Splitter(ProxyServices services) {
        this.services = services;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        EpollSocketChannel client = (EpollSocketChannel) ctx.channel();
        services.counters().accepted.increment();
        toServer = services.newQueue(client);
        FlowKey key = new FlowKey((InetSocketAddress) client.remoteAddress(), (InetSocketAddress) client.localAddress());
        connection = new SplitConnection(services, client, key, this, toServer);
        var admission = services.table().open(key, connection, Instant.now());
        if (admission.entry() == null) {
            switch (admission.refusal()) {
                case OVER_LIMIT -> {
                    services.counters().overLimit.increment();
                    OVER_LIMIT_WARNING.warn("connection limit ({}) reached: resetting {}",
                            services.table().maxConnections(), key);
                }
                case OVER_SOURCE_LIMIT -> {
                    services.counters().overSourceLimit.increment();
                    OVER_SOURCE_LIMIT_WARNING.warn("limit of {} connections from {} reached: resetting {}",
                            services.table().maxPerSource(), key.client().getAddress().getHostAddress(), key);
                }
                case SHUTTING_DOWN -> LOG.debug("shutting down: resetting {}", key);
            }
            LegSockets.reset(client);
            return;
        }
        connection.admitted(admission.entry());
        var settings = services.settings();
        Duration wait = settings.fastOpenWait();
        if (settings.fastOpen() && (!wait.isZero() || LegSockets.unread(client) > 0)) {
            waiting = true;
            ctx.read();
            if (!wait.isZero()) {
                firstBytesWait = ctx.executor().schedule(this::connect, wait.toNanos(), TimeUnit.NANOSECONDS);
            }
        } else {
            connection.connect();
        }
    }

    /** Ends the wait for the client's first bytes: they are here, its FIN is, or the wait is over. */
    private void connect() {
        if (!waiting) {
            return;
        }
        waiting = false;
        if (firstBytesWait != null) {
            firstBytesWait.cancel(false);
        }
        connection.connect();
    }

    /**
     * What the client leg reads before the server leg is up: its first bytes when waiting for them (Fast Open), or
     * a read Netty makes to report an error (the leg does not read otherwise, and a FIN waits in the kernel: see
     * KeepRegisteredIoHandler). Kept here, within the direction's bound, and handed on.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        early.add(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        connect();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            endedEarly = true;
            connect();
        }
    }

    /**
     * Queues what arrived so far on the not yet connected server leg, without flushing it, for its SYN to carry;
     * returns whether there was anything.
     */
    boolean queueEarly(Channel server) {
        if (early.isEmpty()) {
            return false;
        }
        for (Object msg : early) {
            server.write(msg, toServer.writePromise(server, (ByteBuf) msg));
        }
        early.clear();
        return true;
    }

    /**
     * Writes what arrived early, and what the SYN did not take, to the connected server leg; returns whether the
     * client's FIN came with it.
     */
    boolean handOver(Channel server) {
        for (Object msg : early) {
            server.write(msg, toServer.writePromise(server, (ByteBuf) msg));
        }
        early.clear();
        server.flush();
        return endedEarly;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (firstBytesWait != null) {
            firstBytesWait.cancel(false);
        }
        for (Object msg : early) {
            toServer.written(((ByteBuf) msg).capacity());
            ReferenceCountUtil.release(msg);
        }
        early.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (connection != null) {
            connection.relayError("client", cause);
            connection.abort("client leg: " + RelayHandler.describe(cause));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (connection != null) {
            connection.abort("client leg closed before the server answered");
        }
    }
}
