package org.pepsal.testbed.traffic;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import org.pepsal.testbed.topology.Host;

import java.util.concurrent.TimeUnit;

/**
 * The server side of the flows workload: a client sends the size it wants (8 bytes, big-endian), the server
 * sends that many bytes and closes. Sending follows the socket's writability, so a 10 MB flow never sits in
 * memory.
 */
public final class FlowServer implements AutoCloseable {
    /** Bytes handed to the socket per write. */
    static final int CHUNK = 64 * 1024;
    /** One shared, never-released chunk of zeros: every response is slices of it. */
    private static final ByteBuf ZEROS = Unpooled.unreleasableBuffer(Unpooled.directBuffer(CHUNK).writeZero(CHUNK));

    private final EventLoopGroup group;
    private final Channel listener;

    private FlowServer(EventLoopGroup group, Channel listener) {
        this.group = group;
        this.listener = listener;
    }

    /**
     * Listens on {@code address:port} inside {@code host}: the listening socket is opened on the host's
     * namespace thread, so it belongs to that namespace.
     */
    public static FlowServer start(Host host, String address, int port) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new FixedLengthFrameDecoder(Long.BYTES), new Responder());
                        }
                    });
            Channel listener = host.call(() -> bootstrap.bind(address, port).sync().channel());
            return new FlowServer(group, listener);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Sends the requested number of bytes, as fast as the socket takes them, then closes. */
    private static final class Responder extends SimpleChannelInboundHandler<ByteBuf> {
        private long remaining;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf request) {
            remaining = request.readLong();
            sendMore(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && remaining > 0) {
                sendMore(ctx);
            }
            ctx.fireChannelWritabilityChanged();
        }

        private void sendMore(ChannelHandlerContext ctx) {
            while (remaining > 0 && ctx.channel().isWritable()) {
                int size = (int) Math.min(CHUNK, remaining);
                remaining -= size;
                ctx.write(ZEROS.slice(0, size));
            }
            if (remaining == 0) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
