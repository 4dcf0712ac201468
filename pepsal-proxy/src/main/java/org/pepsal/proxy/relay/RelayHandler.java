package org.pepsal.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.pepsal.proxy.socket.LegConfigurer;

/**
 * Relays one direction: what this leg reads is written to the peer leg. Backpressure is end to end: the
 * direction's {@link DirectionQueue} counts what is read and not yet written, stops this leg's reading at its
 * bound and starts it again once the peer has drained half. In splice mode the kernel moves the bytes and this
 * handler only sees the end of the stream and errors; there the peer's write buffer watermarks pause reading, and
 * once the direction has spliced a pipe's worth its pipe is grown (see {@link SplicePipe}).
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
    private final SplitConnection connection;
    private final Direction direction;
    private final Channel peer;
    private final LegConfigurer leg;
    private final DirectionQueue queue;
    private final boolean splice;
    /** The capacity this direction's pipe is grown to once it carries bulk; settled once grown (or refused). */
    private final int pipeCapacity;
    private boolean pipeSettled;

    RelayHandler(SplitConnection connection, Direction direction, Channel peer, LegConfigurer leg,
                 DirectionQueue queue, boolean splice) {
        this.connection = connection;
        this.direction = direction;
        this.peer = peer;
        this.leg = leg;
        this.queue = queue;
        this.splice = splice;
        this.pipeCapacity = SplicePipe.capacity(queue.bound());
        this.pipeSettled = !splice;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        peer.write(msg, queue.writePromise(peer, (ByteBuf) msg));
        connection.relayed(direction);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        if (splice && !peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
        if (!pipeSettled && queue.spliced() >= pipeCapacity) {
            pipeSettled = SplicePipe.grow((AbstractEpollStreamChannel) peer, pipeCapacity);
        }
        leg.renewQuickAck((AbstractEpollStreamChannel) ctx.channel());
        connection.readComplete(direction);
    }

    /** This leg drained below its low watermark: in splice mode the peer leg, which feeds it, may read again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (splice && ctx.channel().isWritable()) {
            peer.config().setAutoRead(true);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            connection.inputEnded(direction);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.relayError(direction.sourceLeg(), cause);
        connection.abort(direction.sourceLeg() + " leg: " + describe(cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.abort(direction.sourceLeg() + " leg closed");
    }

    static String describe(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
