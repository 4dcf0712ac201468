package org.pepsal.proxy.relay;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Netty's splice pipe between two loopback connections, grown by {@link SplicePipe}, with every byte through. */
class SplicePipeTest {
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void theGrownPipeCarriesEveryByteInOrder() throws Exception {
        BlockingQueue<EpollSocketChannel> accepted = new LinkedBlockingQueue<>();
        Channel listener = new ServerBootstrap().group(loop).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<EpollSocketChannel>() {
                    @Override
                    protected void initChannel(EpollSocketChannel channel) {
                        accepted.add(channel);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        try (Socket sender = new Socket(address.getAddress(), address.getPort());
             Socket receiver = new Socket(address.getAddress(), address.getPort())) {
            EpollSocketChannel from = accepted.poll(5, TimeUnit.SECONDS);
            EpollSocketChannel to = accepted.poll(5, TimeUnit.SECONDS);
            int capacity = 1024 * 1024;
            byte[] data = new byte[8 * capacity];
            new Random(7).nextBytes(data);
            loop.submit(() -> {
                from.spliceTo(to, Integer.MAX_VALUE);
                from.config().setAutoRead(true);
            }).sync();
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readFully(receiver, data.length));
            OutputStream out = sender.getOutputStream();
            out.write(data, 0, capacity);
            out.flush();
            int before = awaitPipe(to);
            assertThat(before).as("Netty's pipe, as the kernel makes it").isEqualTo(SplicePipe.DEFAULT_CAPACITY);
            assertThat(loop.submit(() -> SplicePipe.grow(to, capacity)).get()).isTrue();
            assertThat(loop.submit(() -> SplicePipe.capacityOf(to)).get()).isEqualTo(capacity);
            out.write(data, capacity, data.length - capacity);
            out.flush();
            assertThat(received.get(20, TimeUnit.SECONDS)).isEqualTo(data);
        } finally {
            listener.close().sync();
        }
    }

    @Test
    void aBulkPipeIsTheRelayBufferWithinTheKernelsMaximum() throws Exception {
        int kernelMax;
        try (var in = new java.io.BufferedReader(new java.io.FileReader("/proc/sys/fs/pipe-max-size"))) {
            kernelMax = Integer.parseInt(in.readLine().trim());
        }
        assertThat(SplicePipe.capacity(16 * 1024)).isEqualTo(SplicePipe.DEFAULT_CAPACITY);
        assertThat(SplicePipe.capacity(1024 * 1024))
                .isEqualTo(Math.max(SplicePipe.DEFAULT_CAPACITY, Integer.highestOneBit(Math.min(1024 * 1024, kernelMax))));
        assertThat(SplicePipe.capacity(1_500_000)).as("a power of two, as the kernel rounds up")
                .isEqualTo(Integer.highestOneBit(SplicePipe.capacity(1_500_000)));
    }

    /** The capacity of the pipe Netty made for {@code to}, once its first splice made it. */
    private int awaitPipe(EpollSocketChannel to) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            int size = loop.submit(() -> SplicePipe.capacityOf(to)).get();
            if (size > 0) {
                return size;
            }
            Thread.sleep(5);
        }
        return 0;
    }

    private static byte[] readFully(Socket socket, int length) {
        byte[] read = new byte[length];
        try {
            InputStream in = socket.getInputStream();
            for (int at = 0; at < length; ) {
                int n = in.read(read, at, length - at);
                if (n < 0) {
                    break;
                }
                at += n;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return read;
    }
}
