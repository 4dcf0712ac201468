package org.pepsal.testbed.traffic;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.pepsal.testbed.topology.Host;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client side of the flows workload: one fresh connection per flow (a short flow's cost is its
 * handshake and slow start), the flows one after another so they never compete with each other.
 */
public final class FlowClient implements AutoCloseable {
    private final Host host;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    /** @param host where the client's sockets are opened */
    public FlowClient(Host host) {
        this.host = host;
    }

    /** Each size {@code repeat} times, in order: {@code [a, b, a, b, ...]}, so slow drifts affect every size alike. */
    public List<FlowResult> downloads(String address, int port, List<Long> sizes, int repeat, Duration timeout) {
        List<FlowResult> results = new ArrayList<>();
        for (int round = 0; round < repeat; round++) {
            for (long size : sizes) {
                results.add(download(address, port, size, timeout));
            }
        }
        return results;
    }

    /** Downloads {@code bytes} from a {@link FlowServer}; fails if it takes longer than {@code timeout}. */
    public FlowResult download(String address, int port, long bytes, Duration timeout) {
        CompletableFuture<FlowResult> result = new CompletableFuture<>();
        long start = System.nanoTime();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new Receiver(bytes, start, result));
        // The socket is created by connect(): on the host's namespace thread, it belongs to the host.
        ChannelFuture connect = host.call(() -> bootstrap.connect(address, port));
        connect.addListener(done -> {
            if (!done.isSuccess()) {
                result.completeExceptionally(done.cause());
            }
        });
        Channel channel = connect.channel();
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("a " + bytes + "-byte flow to " + address + ":" + port
                    + " did not complete within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException("a " + bytes + "-byte flow to " + address + ":" + port + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            channel.close();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Sends the request once connected, then times the first and the last byte of the response. */
    private static final class Receiver extends ChannelInboundHandlerAdapter {
        private final long expected;
        private final long start;
        private final CompletableFuture<FlowResult> result;
        private long received;
        private long firstByte;

        Receiver(long expected, long start, CompletableFuture<FlowResult> result) {
            this.expected = expected;
            this.start = start;
            this.result = result;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(ctx.alloc().buffer(Long.BYTES).writeLong(expected));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            try {
                if (received == 0) {
                    firstByte = System.nanoTime();
                }
                received += data.readableBytes();
            } finally {
                data.release();
            }
            if (received >= expected) {
                result.complete(new FlowResult(received, Duration.ofNanos(firstByte - start),
                        Duration.ofNanos(System.nanoTime() - start)));
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new IllegalStateException("connection closed after " + received + " of "
                    + expected + " bytes"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }
    }
}
