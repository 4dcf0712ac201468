package org.pepsal.testbed.calibration;

import org.pepsal.testbed.topology.Host;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Idle round-trip time over a link, measured in-process: a UDP echo in the far host and a prober in the near
 * one (both sockets opened inside their namespaces through {@link Host#call}). Probes are sent at a fixed
 * interval without waiting for replies, so 100 probes over a 600 ms RTT take about a second, not a minute.
 */
public final class RttProbe {
    public static final int PROBE_BYTES = 16;
    private static final int ECHO_PORT = 7007;

    private RttProbe() {
    }

    /** Each probe's send time ({@link System#nanoTime()}) and round-trip time in ms (NaN if it was lost). */
    public record Result(long[] sentAtNanos, double[] rttMillis) {
        /** The round-trip times of the probes that came back. */
        public double[] answered() {
            return Arrays.stream(rttMillis).filter(rtt -> !Double.isNaN(rtt)).toArray();
        }

        public double median() {
            return RttProbe.median(answered());
        }
    }

    public static Result measure(Host near, Host far, String farAddress, int probes, Duration interval) {
        try (DatagramChannel echo = far.call(() -> DatagramChannel.open().bind(new InetSocketAddress(farAddress, ECHO_PORT)));
             DatagramChannel prober = near.call(DatagramChannel::open)) {
            Thread echoThread = new Thread(() -> echo(echo), "rtt-echo");
            echoThread.setDaemon(true);
            echoThread.start();
            prober.connect(new InetSocketAddress(farAddress, ECHO_PORT));
            long[] sentAt = new long[probes];
            long[] rttNanos = new long[probes];
            Arrays.fill(rttNanos, -1);
            Thread receiver = new Thread(() -> receive(prober, sentAt, rttNanos, probes), "rtt-receive");
            receiver.setDaemon(true);
            receiver.start();
            ByteBuffer packet = ByteBuffer.allocate(PROBE_BYTES);
            long start = System.nanoTime();
            for (int i = 0; i < probes; i++) {
                LockSupport.parkNanos(start + i * interval.toNanos() - System.nanoTime());
                packet.clear();
                packet.putInt(i).putInt(0).putLong(0).flip();
                sentAt[i] = System.nanoTime();
                prober.write(packet);
            }
            receiver.join(10_000);
            echo.close();
            return new Result(sentAt, Arrays.stream(rttNanos).mapToDouble(rtt -> rtt < 0 ? Double.NaN : rtt / 1e6).toArray());
        } catch (IOException e) {
            throw new IllegalStateException("RTT probe failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void echo(DatagramChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        try {
            while (true) {
                buffer.clear();
                var from = channel.receive(buffer);
                buffer.flip();
                channel.send(buffer, from);
            }
        } catch (IOException e) {
            // closed: the measurement is over
        }
    }

    private static void receive(DatagramChannel channel, long[] sentAt, long[] rttNanos, int probes) {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        int received = 0;
        try {
            channel.socket().setSoTimeout(0);
            while (received < probes) {
                buffer.clear();
                channel.read(buffer);
                long now = System.nanoTime();
                int sequence = buffer.getInt(0);
                if (sequence >= 0 && sequence < probes && rttNanos[sequence] < 0) {
                    rttNanos[sequence] = now - sentAt[sequence];
                    received++;
                }
            }
        } catch (IOException e) {
            // closed after the timeout: the missing probes count as lost
        }
    }

    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
