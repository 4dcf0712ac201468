package org.pepsal.testbed.bench;

import org.pepsal.testbed.traffic.FlowClient;
import org.pepsal.testbed.traffic.FlowResult;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Endless downloads from the client host, each asked for {@code Long.MAX_VALUE} bytes, for the restart checks:
 * opened and under way (each has received {@link #UNDER_WAY}), read on, then ended, counting how each ended.
 */
final class Transfers implements AutoCloseable {
    /** Bytes a transfer has received for it to count as under way. */
    static final int UNDER_WAY = 1 << 20;

    private final List<SocketChannel> channels = new ArrayList<>();

    private enum End { RESET, ENDED, HUNG }

    /** How many transfers' streams ended with a reset, with an early end, or hung, when read to their end. */
    record Ends(int reset, int ended, int hung) {
    }

    /** Opens {@code count} endless downloads and reads {@link #UNDER_WAY} of each. */
    static Transfers underWay(SoakContext context, int count) throws IOException {
        Transfers transfers = new Transfers();
        try {
            InetSocketAddress flows = new InetSocketAddress(context.server(), context.flowPort());
            for (int i = 0; i < count; i++) {
                SocketChannel channel = context.net().client().call(() -> SocketChannel.open(flows));
                transfers.channels.add(channel);
                channel.write(ByteBuffer.allocate(Long.BYTES).putLong(0, Long.MAX_VALUE));
                channel.socket().setSoTimeout((int) SoakContext.HANG.toMillis());
            }
            if (transfers.receiving() < count) {
                throw new IOException("a transfer ended before it was under way");
            }
            return transfers;
        } catch (IOException | RuntimeException e) {
            transfers.close();
            throw e;
        }
    }

    /** How many of the transfers received another {@link #UNDER_WAY} bytes (within the hang timeout). */
    int receiving() {
        int receiving = 0;
        for (SocketChannel channel : channels) {
            try {
                receiving += channel.socket().getInputStream().readNBytes(UNDER_WAY).length == UNDER_WAY ? 1 : 0;
            } catch (IOException e) {
                // counted as not receiving
            }
        }
        return receiving;
    }

    /** Reads each transfer to its end (after its relay was killed): how many ended which way. */
    Ends drained() {
        int[] ends = new int[End.values().length];
        for (SocketChannel channel : channels) {
            ends[drain(channel).ordinal()]++;
        }
        return new Ends(ends[End.RESET.ordinal()], ends[End.ENDED.ordinal()], ends[End.HUNG.ordinal()]);
    }

    /** Reads what is left until the stream ends; a read that waits past the hang timeout counts as hung. */
    private static End drain(SocketChannel channel) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = channel.socket().getInputStream();
            while (in.read(buffer) >= 0) {
                // what the kernel still held arrives first
            }
            return End.ENDED;
        } catch (SocketTimeoutException e) {
            return End.HUNG;
        } catch (IOException e) {
            return End.RESET;
        }
    }

    /** {@code count} downloads of {@code bytes} one after another: how many completed. */
    static int downloads(SoakContext context, int count, long bytes) {
        int completed = 0;
        try (FlowClient client = new FlowClient(context.net().client())) {
            for (int i = 0; i < count; i++) {
                FlowResult result = client.download(context.server(), context.flowPort(), bytes,
                        Duration.ofSeconds(60));
                completed += result.completed() ? 1 : 0;
            }
        }
        return completed;
    }

    /** Closes the client ends (the downloads end there). */
    @Override
    public void close() {
        SoakContext.closeAll(channels);
    }
}
