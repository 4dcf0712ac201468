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

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client side of the flows workload: one fresh connection per flow (a short flow's cost is its
 * handshake and slow start), the flows one after another so they never compete with each other. A flow that
 * times out or fails is recorded as such and the next one starts.
 */
public final class FlowClient implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";
    /** A port on the client host's loopback, where nothing else listens (the client host runs no server). */
    private static final int WARM_UP_PORT = 8079;
    private static final long WARM_UP_BYTES = 64 * 1024;
    private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(10);

    private final Host host;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    /** @param host where the client's sockets are opened */
    public FlowClient(Host host) {
        this.host = host;
    }

    /**
     * Each size {@code repeat} times, in order: {@code [a, b, a, b, ...]}, so slow drifts affect every size alike.
     * A warm-up flow over the client host's own loopback goes first.
     */
    public List<FlowResult> downloads(String address, int port, List<Long> sizes, int repeat, Duration timeout) {
        warmUp();
        List<FlowResult> results = new ArrayList<>();
        for (int round = 0; round < repeat; round++) {
            for (long size : sizes) {
                results.add(download(address, port, size, timeout));
            }
        }
        return results;
    }

    /**
     * Downloads {@code bytes} from a {@link FlowServer}. A flow that takes longer than {@code timeout}, or whose
     * connection fails, is returned with that state, what it received and how long it ran.
     */
    public FlowResult download(String address, int port, long bytes, Duration timeout) {
        long start = System.nanoTime();
        Receiver receiver = new Receiver(bytes, start);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(receiver);
        // The socket is created by connect(): on the host's namespace thread, it belongs to the host.
        ChannelFuture connect = host.call(() -> bootstrap.connect(address, port));
        connect.addListener(done -> {
            if (!done.isSuccess()) {
                receiver.result.completeExceptionally(done.cause());
            }
        });
        Channel channel = connect.channel();
        try {
            return receiver.result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return receiver.unfinished(FlowResult.State.TIMED_OUT, channel, "did not complete within "
                    + String.format("%.3g s", timeout.toNanos() / 1e9));
        } catch (ExecutionException e) {
            return receiver.unfinished(FlowResult.State.FAILED, channel, String.valueOf(e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            channel.close();
        }
    }

    /**
     * One small flow over the client host's loopback, not recorded, so the first measured flow finds this client's
     * event loop running and its code loaded and compiled: without it a point's first flow paid for them in its
     * time to first byte (1.78 s against 1.25 s for the second flow over the same GEO path; 1.52 s with it, the rest
     * being the first connection of the proxies and the server started for the point).
     */
    private void warmUp() {
        try (FlowServer local = FlowServer.start(host, LOOPBACK, WARM_UP_PORT)) {
            FlowResult result = download(LOOPBACK, WARM_UP_PORT, WARM_UP_BYTES, WARM_UP_TIMEOUT);
            if (!result.completed()) {
                throw new IllegalStateException("the flows client's warm-up over the client host's loopback failed: "
                        + result);
            }
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
        final CompletableFuture<FlowResult> result = new CompletableFuture<>();
        private volatile long received;
        private volatile long firstByte;

        Receiver(long expected, long start) {
            this.expected = expected;
            this.start = start;
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
                result.complete(new FlowResult(expected, FlowResult.State.COMPLETED, received,
                        Duration.ofNanos(firstByte - start), Duration.ofNanos(System.nanoTime() - start),
                        localPort(ctx.channel()), ""));
                ctx.close();
            }
        }

        /** The flow as it stands when it timed out or failed. */
        FlowResult unfinished(FlowResult.State state, Channel channel, String why) {
            long now = System.nanoTime();
            long first = firstByte;
            return new FlowResult(expected, state, received, received > 0 ? Duration.ofNanos(first - start) : null,
                    Duration.ofNanos(now - start), localPort(channel), received + " of " + expected + " bytes; " + why);
        }

        private static int localPort(Channel channel) {
            return channel.localAddress() instanceof InetSocketAddress local ? local.getPort() : 0;
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
