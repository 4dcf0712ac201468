package org.pepsal.testbed.calibration;

import org.pepsal.testbed.topology.Host;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.BitSet;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * Sends numbered UDP packets at a steady rate from one host to another and records which arrived and how
 * long each took (both ends live in this JVM, so one clock times both). From that: the loss rate, the loss
 * bursts (runs of consecutive missing numbers), and the one-way delays.
 */
public final class LossProbe {
    private static final int PORT = 7008;
    private static final int HEADER_BYTES = 12;

    private LossProbe() {
    }

    /**
     * What arrived of {@code sent} packets.
     *
     * @param lostNumbers the numbers (0 for the first sent) of the packets that did not arrive, ascending
     */
    public record Result(int sent, int received, int lossBursts, double[] oneWayMillisSorted, int[] lostNumbers) {
        public double minOneWayMillis() {
            return oneWayMillisSorted.length == 0 ? Double.NaN : oneWayMillisSorted[0];
        }

        public double maxOneWayMillis() {
            return oneWayMillisSorted.length == 0 ? Double.NaN : oneWayMillisSorted[oneWayMillisSorted.length - 1];
        }

        /** The one-way delay below which {@code quantile} of the arrived packets stayed. */
        public double oneWayMillis(double quantile) {
            if (oneWayMillisSorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(oneWayMillisSorted.length - 1, Math.ceil(quantile * oneWayMillisSorted.length) - 1);
            return oneWayMillisSorted[Math.max(0, index)];
        }

        public int lost() {
            return sent - received;
        }

        public double lossRate() {
            return (double) lost() / sent;
        }

        /** Mean number of consecutive packets lost together. */
        public double meanBurstLength() {
            return lossBursts == 0 ? 0 : (double) lost() / lossBursts;
        }
    }

    /**
     * @param payloadBytes    UDP payload per packet (at least 12: sequence number and send time)
     * @param packetsPerSecond the sending rate; keep it below the link's rate unless queue drops are wanted
     */
    public static Result run(Host sender, Host receiver, String receiverAddress, int packets, int payloadBytes,
                             int packetsPerSecond) {
        try (DatagramChannel in = receiver.call(() -> DatagramChannel.open()
                     .setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20)
                     .bind(new InetSocketAddress(receiverAddress, PORT)));
             DatagramChannel out = sender.call(DatagramChannel::open)) {
            out.connect(new InetSocketAddress(receiverAddress, PORT));
            BitSet arrived = new BitSet(packets);
            long[] oneWay = new long[packets];
            Thread reader = new Thread(() -> receive(in, arrived, oneWay, packets), "loss-probe-receive");
            reader.setDaemon(true);
            reader.start();
            ByteBuffer packet = ByteBuffer.allocate(Math.max(HEADER_BYTES, payloadBytes));
            long intervalNanos = 1_000_000_000L / packetsPerSecond;
            long start = System.nanoTime();
            for (int i = 0; i < packets; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 200_000) {
                    LockSupport.parkNanos(wait);
                }
                packet.clear();
                packet.putInt(0, i).putLong(4, System.nanoTime());
                out.write(packet);
            }
            // Wait for stragglers: until nothing arrived for a second.
            int lastCount = -1;
            while (lastCount != cardinality(arrived)) {
                lastCount = cardinality(arrived);
                reader.join(1000);
            }
            in.close();
            return summarise(arrived, packets, oneWay);
        } catch (IOException e) {
            throw new IllegalStateException("loss probe failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int cardinality(BitSet set) {
        synchronized (set) {
            return set.cardinality();
        }
    }

    private static void receive(DatagramChannel channel, BitSet arrived, long[] oneWay, int packets) {
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        try {
            while (true) {
                buffer.clear();
                channel.receive(buffer);
                long delay = System.nanoTime() - buffer.getLong(4);
                int sequence = buffer.getInt(0);
                if (sequence >= 0 && sequence < packets) {
                    synchronized (arrived) {
                        arrived.set(sequence);
                        oneWay[sequence] = delay;
                    }
                }
            }
        } catch (IOException e) {
            // closed: the measurement is over
        }
    }

    private static Result summarise(BitSet arrived, int packets, long[] oneWay) {
        synchronized (arrived) {
            int bursts = 0;
            for (int i = 0; i < packets; i++) {
                if (!arrived.get(i) && (i == 0 || arrived.get(i - 1))) {
                    bursts++;
                }
            }
            double[] delays = arrived.stream().mapToDouble(i -> oneWay[i] / 1e6).sorted().toArray();
            int[] lost = IntStream.range(0, packets).filter(i -> !arrived.get(i)).toArray();
            return new Result(packets, arrived.cardinality(), bursts, delays, lost);
        }
    }
}
