package org.pepsal.testbed.splitter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.topology.PepProcess;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the proxy holds in user space, seen from outside: its metrics, and the kernel's receive queue of the leg it
 * stops reading. The clients here do not read at first (a small receive buffer, so the proxy's client leg backs up
 * at once), and the servers send everything and close.
 */
@NeedsRoot
class RelayMemoryTest extends EchoGatewayFixture {
    private static final int BULK_PORT = 7400;
    private static final int METRICS_PORT = 8404;
    private static final int RELAY_BUFFER = 1 << 20;
    /** The proxy's server legs take all of it (and the FIN) into their receive queue while the client stalls. */
    private static final String SERVER_RCVBUF = Integer.toString(48 << 20);

    /**
     * A server sends 32 MB and closes towards a client that does not read. Its FIN reaches the proxy while the
     * client leg is backed up; the proxy must not pull the server leg's receive queue into user space for it: what
     * it holds stays within --relay-buffer while the rest waits in the kernel, and every byte arrives once the
     * client reads.
     */
    @ParameterizedTest(name = "splice={0}")
    @ValueSource(booleans = {false, true})
    void aFinBehindAStalledClientLeavesTheRestInTheKernel(boolean splice) throws Exception {
        long length = 32L << 20;
        try (ServerSocketChannel listener = Net.listen(net.server(), net.serverEnd().ipv4(), BULK_PORT)) {
            Future<?> served = serve(listener, length);
            List<String> args = new ArrayList<>(List.of("--relay-buffer", Integer.toString(RELAY_BUFFER),
                    "--server-rcvbuf", SERVER_RCVBUF, "--metrics-port", Integer.toString(METRICS_PORT)));
            if (splice) {
                args.add("--splice");
            }
            pep = PepProcess.start(net.gateway(), work, args);
            try (SocketChannel client = stalledClient()) {
                served.get(30, TimeUnit.SECONDS); // everything sent and the FIN after it
                long heldMost = 0;
                for (int i = 0; i < 20; i++) {
                    long held = metric(pep.metrics(METRICS_PORT), "pepsal_relay_queued_bytes");
                    assertThat(held).as("bytes the proxy holds, sample %d", i).isLessThanOrEqualTo(RELAY_BUFFER);
                    heldMost = Math.max(heldMost, held);
                    Thread.sleep(100);
                }
                assertThat(serverLegReceiveQueue()).as("bytes left in the server leg's receive queue, behind the FIN")
                        .isGreaterThan(16L << 20);
                if (!splice) {
                    assertThat(heldMost).as("the client-bound queue filled to its bound")
                            .isGreaterThan(RELAY_BUFFER / 2);
                    assertThat(metric(pep.metrics(METRICS_PORT),
                            "pepsal_relay_pauses_total{cause=\"bound\"}")).isPositive();
                }
                Net.Received received = Net.receiveAll(client);
                assertThat(received.bytes()).isEqualTo(length);
                assertThat(received.sha256()).isEqualTo(Net.expectedDigest(seed(client), length));
            }
        }
    }

    /**
     * Two stalled downloads with --relay-memory below what their two bounds would hold: together they stay within
     * it, reading pauses (counted), and both complete intact once the clients read, so reading resumed.
     */
    @Test
    void theSharedBudgetPausesEveryConnectionAndResumesWhenDrained() throws Exception {
        long length = 8L << 20;
        long budget = RELAY_BUFFER + RELAY_BUFFER / 2;
        // A read resumed just before other connections spent the budget still takes one byte: one per direction.
        long most = budget + 4;
        try (ServerSocketChannel listener = Net.listen(net.server(), net.serverEnd().ipv4(), BULK_PORT)) {
            Future<?> first = serve(listener, length);
            pep = PepProcess.start(net.gateway(), work, List.of("--relay-buffer", Integer.toString(RELAY_BUFFER),
                    "--relay-memory", Long.toString(budget), "--metrics-port", Integer.toString(METRICS_PORT)));
            try (SocketChannel one = stalledClient()) {
                Future<?> second = serve(listener, length);
                try (SocketChannel two = stalledClient()) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    String metrics = pep.metrics(METRICS_PORT);
                    while (metric(metrics, "pepsal_relay_pauses_total{cause=\"budget\"}") == 0
                            && System.nanoTime() < deadline) {
                        assertThat(metric(metrics, "pepsal_relay_queued_bytes")).isLessThanOrEqualTo(most);
                        Thread.sleep(100);
                        metrics = pep.metrics(METRICS_PORT);
                    }
                    assertThat(metric(metrics, "pepsal_relay_pauses_total{cause=\"budget\"}")).isPositive();
                    assertThat(metric(metrics, "pepsal_relay_memory_limit_bytes")).isEqualTo(budget);
                    for (int i = 0; i < 10; i++) {
                        assertThat(metric(pep.metrics(METRICS_PORT), "pepsal_relay_queued_bytes"))
                                .isLessThanOrEqualTo(most);
                        Thread.sleep(100);
                    }
                    Future<Net.Received> readTwo = threads.submit(() -> Net.receiveAll(two));
                    Net.Received receivedOne = Net.receiveAll(one);
                    Net.Received receivedTwo = readTwo.get(60, TimeUnit.SECONDS);
                    assertThat(receivedOne.sha256()).isEqualTo(Net.expectedDigest(seed(one), length));
                    assertThat(receivedTwo.sha256()).isEqualTo(Net.expectedDigest(seed(two), length));
                    first.get(10, TimeUnit.SECONDS);
                    second.get(10, TimeUnit.SECONDS);
                }
            }
            assertThat(metric(pep.metrics(METRICS_PORT), "pepsal_relay_queued_bytes"))
                    .as("nothing held once both are done").isZero();
        }
    }

    @Test
    void queuesLargerThanTheDirectMemoryLimitAreAStartUpError() {
        // Assigned, so that a proxy which starts after all is stopped after the test.
        assertThatThrownBy(() -> pep = PepProcess.start(net.gateway(), work,
                List.of("env", "JAVA_TOOL_OPTIONS=-XX:MaxDirectMemorySize=64m"), List.of("--conns", "2112")))
                .hasMessageContaining("exited with 1")
                .hasMessageContaining("--relay-memory 268435456")
                .hasMessageContaining("the JVM's direct memory limit is 64 MiB")
                .hasMessageContaining("raise -XX:MaxDirectMemorySize to at least 320m");
    }

    /**
     * Accepts one connection and sends it {@code length} bytes, then closes it. The bytes are seeded by the client's
     * port, which the server sees through the proxy, so two servers accepting at once cannot mix the streams up.
     */
    private static Future<?> serve(ServerSocketChannel listener, long length) {
        return threads.submit(() -> {
            try (SocketChannel accepted = listener.accept()) {
                Net.send(accepted, ((InetSocketAddress) accepted.getRemoteAddress()).getPort(), length);
            }
            return null;
        });
    }

    private static long seed(SocketChannel client) throws IOException {
        return ((InetSocketAddress) client.getLocalAddress()).getPort();
    }

    /** A client whose receive buffer is small (set before connecting, so the window stays small): it reads later. */
    private static SocketChannel stalledClient() {
        return net.client().call(() -> {
            SocketChannel channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
            channel.connect(new InetSocketAddress(net.serverEnd().ipv4(), BULK_PORT));
            return channel;
        });
    }

    /**
     * The Recv-Q of the proxy's server leg (the gateway's connection to the bulk port) once the server's FIN has
     * reached it (CLOSE-WAIT), as ss reports it; 0 when there is none.
     */
    private static long serverLegReceiveQueue() {
        String rows = net.gateway().exec("ss", "-tnH", "state", "close-wait", "dst",
                net.serverEnd().ipv4() + ":" + BULK_PORT);
        long most = 0;
        for (String row : rows.strip().split("\n")) {
            String[] fields = row.trim().split("\\s+");
            if (fields.length >= 2) {
                most = Math.max(most, Long.parseLong(fields[0]));
            }
        }
        return most;
    }

    /** The value of one series in the Prometheus text format (0 when absent). */
    private static long metric(String metrics, String series) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.E+-]+)$").matcher(metrics);
        return value.find() ? (long) Double.parseDouble(value.group(1)) : 0;
    }
}
