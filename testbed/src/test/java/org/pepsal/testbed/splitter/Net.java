package org.pepsal.testbed.splitter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.Shell;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/** Blocking sockets opened inside the test's namespaces, and the byte-exact stream checks the tests share. */
final class Net {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Net() {
    }

    static ServerSocketChannel listen(Host host, String address, int port) {
        return host.call(() -> {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(address, port), 2048);
            return server;
        });
    }

    static SocketChannel connect(Host host, String address, int port) {
        return host.call(() -> SocketChannel.open(new InetSocketAddress(address, port)));
    }

    /** Connects from a chosen local port (to make two connections share a source port). */
    static SocketChannel connectFrom(Host host, String localAddress, int localPort, String address, int port) {
        return host.call(() -> {
            SocketChannel channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(localAddress, localPort));
            channel.connect(new InetSocketAddress(address, port));
            return channel;
        });
    }

    /**
     * Echoes every connection {@code listener} accepts, each on a thread of {@code threads}, until the listener
     * is closed; a connection's echo ends when its client closes or resets it.
     */
    static void serveEcho(ServerSocketChannel listener, java.util.concurrent.ExecutorService threads) {
        threads.execute(() -> {
            while (listener.isOpen()) {
                SocketChannel accepted;
                try {
                    accepted = listener.accept();
                } catch (IOException e) {
                    return; // closed
                }
                threads.execute(() -> {
                    try (accepted) {
                        ByteBuffer buffer = ByteBuffer.allocate(4096);
                        while (accepted.read(buffer) >= 0) {
                            buffer.flip();
                            while (buffer.hasRemaining()) {
                                accepted.write(buffer);
                            }
                            buffer.clear();
                        }
                    } catch (IOException ignored) {
                        // The client closing or resetting first is how each echo ends.
                    }
                });
            }
        });
    }

    /** Writes {@code length} pseudo-random bytes from {@code seed}; returns their SHA-256. */
    static byte[] send(WritableByteChannel channel, long seed, long length) throws IOException {
        MessageDigest digest = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            for (int i = 0; i < n; i += 8) {
                long value = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    chunk[i + j] = (byte) (value >>> (8 * j));
                }
            }
            digest.update(chunk, 0, n);
            ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, n);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            left -= n;
        }
        return digest.digest();
    }

    /** The SHA-256 of what {@link #send} writes for this seed and length, without a socket. */
    static byte[] expectedDigest(long seed, long length) {
        try {
            return send(Channels.newChannel(OutputStream.nullOutputStream()), seed, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until end of stream; returns the SHA-256 and the byte count. */
    static Received receiveAll(SocketChannel channel) throws IOException {
        MessageDigest digest = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long total = 0;
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                return new Received(digest.digest(), total);
            }
            digest.update(buffer.array(), 0, n);
            total += n;
        }
    }

    record Received(byte[] sha256, long bytes) {
    }

    /** Reads exactly {@code length} bytes (or fewer if the stream ends). */
    static byte[] readExactly(SocketChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                break;
            }
        }
        byte[] out = new byte[buffer.position()];
        buffer.flip().get(out);
        return out;
    }

    static void writeAll(SocketChannel channel, byte[] data) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** The flow-log records of the proxy, one JSON object per line. */
    static List<JsonNode> flowRecords(Path flowLog) {
        try {
            if (!Files.exists(flowLog)) {
                return List.of();
            }
            return Files.readAllLines(flowLog).stream().filter(l -> !l.isBlank()).map(Net::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (up to 10 s) for the flow record of the connection from {@code client} ("address:port"). */
    static JsonNode awaitFlowRecord(Path flowLog, String client) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> found = flowRecords(flowLog).stream()
                    .filter(r -> r.get("client").asText().equals(client)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no flow record for " + client + " in " + flowLog + ": " + flowRecords(flowLog));
    }

    static String endpoint(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** User plus system CPU time of a process, in seconds (from /proc/PID/stat, in clock ticks of 1/100 s). */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks / (double) Long.parseLong(Shell.run("getconf", "CLK_TCK").strip());
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("bad flow-log line: " + line, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
