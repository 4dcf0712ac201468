package org.pepsal.proxy.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import org.pepsal.proxy.table.FlowKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * The first handler of an accepted (TPROXY-diverted) connection: its local address is the original
 * destination. Enters it in the table, or resets it when the table is full, and starts the split.
 */
final class Splitter extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(Splitter.class);
    private final ProxyServices services;
    private SplitConnection connection;

    Splitter(ProxyServices services) {
        this.services = services;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        EpollSocketChannel client = (EpollSocketChannel) ctx.channel();
        services.counters().accepted.increment();
        FlowKey key = new FlowKey((InetSocketAddress) client.remoteAddress(), (InetSocketAddress) client.localAddress());
        connection = new SplitConnection(services, client, key, this);
        var admission = services.table().open(key, connection, Instant.now());
        if (admission.entry() == null) {
            switch (admission.refusal()) {
                case OVER_LIMIT -> {
                    services.counters().overLimit.increment();
                    LOG.warn("connection limit ({}) reached: resetting {}", services.table().maxConnections(), key);
                }
                case DUPLICATE -> LOG.warn("{} is already in the table: resetting the new connection", key);
            }
            SplitConnection.reset(client);
            return;
        }
        connection.start(admission.entry());
    }

    /** Before the server leg is up nothing is read, so only errors and closes arrive here. */
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
