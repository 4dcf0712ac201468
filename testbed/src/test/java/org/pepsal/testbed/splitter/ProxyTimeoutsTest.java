package org.pepsal.testbed.splitter;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.PepProcess;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the proxy lets go of connections whose peers are gone or quiet: keepalive and TCP_USER_TIMEOUT on both legs
 * (as the kernel reports and enforces them), the idle timeout and the half-close timeout (what the clients see,
 * the flow log's reasons, the metrics and the table log).
 */
@NeedsRoot
class ProxyTimeoutsTest extends EchoGatewayFixture {
    /** A server that keeps every connection open after the client's FIN and writes only when the test says so. */
    private static final int HOLD_PORT = 7102;
    /** ss's timer: {@code 2.700ms} is 2.7 s, {@code 500ms}, {@code 2sec}, {@code 1min30sec} (iproute2's print_ms_timer). */
    private static final Pattern KEEPALIVE_TIMER =
            Pattern.compile("timer:\\(keepalive,(?:(\\d+)min)?(?:(\\d+)(?:sec|\\.))?(?:(\\d+)ms)?,0\\)");

    @Test
    void keepaliveIsSetOnBothLegsAndResetsALegWhosePeerIsGone() throws Exception {
        Path flows = work.resolve("flows.jsonl");
        pep = PepProcess.start(net.gateway(), work, List.of("--keepalive", "3,1,2", "--user-timeout", "0",
                "--flow-log", flows.toString()));
        try (SocketChannel channel = connectToEcho()) {
            assertEchoes(channel, "hello");
            int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            // Once the echo is acknowledged the keepalive timer, not the retransmission one, is armed; the server
            // leg gets its keepalive within a quarter of the 3 s idle of its connect (DeadPeerSweep).
            String sockets = "";
            List<String> legs = List.of();
            for (int attempt = 0; attempt < 20; attempt++) {
                Thread.sleep(100);
                sockets = net.gateway().exec("ss", "-tnoH", "state", "established");
                legs = sockets.lines().filter(l -> l.contains(":" + port + " ")).toList();
                if (attempt >= 2 && legs.size() == 2 && legs.stream().allMatch(l -> KEEPALIVE_TIMER.matcher(l).find())) {
                    break;
                }
            }
            assertThat(legs).as("client and server leg of port %d in:%n%s", port, sockets).hasSize(2);
            for (String leg : legs) {
                Matcher timer = KEEPALIVE_TIMER.matcher(leg);
                assertThat(timer.find()).as("keepalive timer on %s", leg).isTrue();
                double seconds = 60 * number(timer.group(1)) + number(timer.group(2)) + number(timer.group(3)) / 1000.0;
                assertThat(seconds).as("the keepalive idle of 3 s on %s", leg).isBetween(1.0, 3.0);
            }
            // The client goes silent: 3 s quiet, then two unanswered probes 1 s apart, and the kernel gives up.
            long start = System.nanoTime();
            blackHole(net.client(), "--sport", ECHO_PORT, () -> {
                JsonNode record = Net.awaitFlowRecord(flows, Net.endpoint((InetSocketAddress) channel.getLocalAddress()));
                double after = (System.nanoTime() - start) / 1e9;
                assertThat(record.get("closeReason").asText()).contains("client leg").contains("timed out");
                assertThat(after).as("keepalive's 3 + 2 × 1 s").isBetween(3.5, 9.0);
            });
        }
    }

    @Test
    void userTimeoutResetsTheServerLegWhenTheServerStopsAcknowledging() throws Exception {
        // What the client writes is relayed to a server that drops it.
        assertUserTimeoutResets(net.server(), "--dport", "server leg");
    }

    @Test
    void userTimeoutResetsTheClientLegWhenTheClientStopsAcknowledging() throws Exception {
        // What the client writes is relayed to the echo server; the echo comes back to a client that drops it.
        assertUserTimeoutResets(net.client(), "--sport", "client leg");
    }

    /**
     * With a TCP_USER_TIMEOUT of 2 s, data the proxy sends on {@code leg} while {@code silent} drops it (the
     * packets to or from the echo port, by {@code direction}) resets the connection within seconds, not the
     * kernel's 15 minutes of retransmissions.
     */
    private void assertUserTimeoutResets(Host silent, String direction, String leg) throws Exception {
        Path flows = work.resolve("flows.jsonl");
        pep = PepProcess.start(net.gateway(), work, List.of("--user-timeout", "2", "--keepalive", "0",
                "--flow-log", flows.toString()));
        try (SocketChannel channel = connectToEcho()) {
            assertEchoes(channel, "before");
            blackHole(silent, direction, ECHO_PORT, () -> {
                long start = System.nanoTime();
                Net.writeAll(channel, "unacknowledged".getBytes(StandardCharsets.US_ASCII));
                JsonNode record = Net.awaitFlowRecord(flows, Net.endpoint((InetSocketAddress) channel.getLocalAddress()));
                double after = (System.nanoTime() - start) / 1e9;
                assertThat(record.get("closeReason").asText()).contains(leg).contains("timed out");
                assertThat(after).as("TCP_USER_TIMEOUT of 2 s").isBetween(1.5, 6.0);
            });
            if (silent == net.server()) { // a client that drops what it receives cannot see the reset
                assertThatThrownBy(() -> Net.readExactly(channel, 1)).hasMessageContaining("reset");
            }
        }
    }

    @Test
    void anIdleConnectionIsResetAfterTheIdleTimeoutWhileAnActiveOneLives() throws Exception {
        Path flows = work.resolve("flows.jsonl");
        Path table = work.resolve("table.log");
        pep = PepProcess.start(net.gateway(), work, List.of("--idle-timeout", "2", "--flow-log", flows.toString(),
                "--metrics-port", "8404", "-l", table.toString(), "--log-interval", "0.5"));
        try (SocketChannel idle = connectToEcho(); SocketChannel active = connectToEcho()) {
            assertEchoes(idle, "idle");
            long start = System.nanoTime();
            Future<Double> idleReset = threads.submit(() -> {
                assertThatThrownBy(() -> Net.readExactly(idle, 1)).hasMessageContaining("reset");
                return (System.nanoTime() - start) / 1e9;
            });
            // Data both ways every 250 ms for twice the timeout.
            for (int i = 0; i < 16; i++) {
                assertEchoes(active, "tick-" + i);
                Thread.sleep(250);
            }
            assertThat(idleReset.get(5, TimeUnit.SECONDS)).as("reset at the 2 s idle timeout").isBetween(1.8, 3.5);
            assertEchoes(active, "still here");
            JsonNode record = Net.awaitFlowRecord(flows, Net.endpoint((InetSocketAddress) idle.getLocalAddress()));
            assertThat(record.get("closeReason").asText()).isEqualTo("idle timeout");
            assertThat(pep.metrics(8404)).contains("pepsal_connections_timed_out_total{reason=\"idle\"} 1.0")
                    .contains("pepsal_connections_timed_out_total{reason=\"half_close\"} 0.0")
                    .contains("pepsal_timeout_seconds{timeout=\"idle\"} 2.0")
                    .contains("pepsal_timeout_seconds{timeout=\"half_close\"} 30.0");
            String tableLog = awaitInFile(table, " Timeouts: idle 2 s (1 reset), half-close 30 s (0 reset)");
            assertThat(tableLog).contains("    Idle timeout: ");
        }
    }

    @Test
    void aHalfClosedConnectionIsResetAfterTheHalfCloseTimeoutUnlessDataStillMoves() throws Exception {
        Path flows = work.resolve("flows.jsonl");
        BlockingQueue<SocketChannel> accepted = new LinkedBlockingQueue<>();
        List<SocketChannel> held = new ArrayList<>();
        try (ServerSocketChannel holder = Net.listen(net.server(), net.serverEnd().ipv4(), HOLD_PORT)) {
            threads.execute(() -> {
                try {
                    while (true) {
                        accepted.add(holder.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            pep = PepProcess.start(net.gateway(), work, List.of("--idle-timeout", "60", "--half-close-timeout", "2",
                    "--flow-log", flows.toString()));
            SocketChannel quiet = Net.connect(net.client(), net.serverEnd().ipv4(), HOLD_PORT);
            held.add(quiet);
            held.add(accepted.poll(5, TimeUnit.SECONDS));
            SocketChannel downloading = Net.connect(net.client(), net.serverEnd().ipv4(), HOLD_PORT);
            held.add(downloading);
            SocketChannel downloadServer = accepted.poll(5, TimeUnit.SECONDS);
            held.add(downloadServer);
            // Both clients have said all they will say; their servers keep their end open.
            quiet.shutdownOutput();
            downloading.shutdownOutput();
            long start = System.nanoTime();
            Future<Double> quietReset = threads.submit(() -> {
                assertThatThrownBy(() -> Net.readExactly(quiet, 1)).hasMessageContaining("reset");
                return (System.nanoTime() - start) / 1e9;
            });
            // The other server still sends, every 250 ms, for twice the timeout: half-closed but not quiet.
            for (int i = 0; i < 16; i++) {
                Net.writeAll(downloadServer, new byte[] {(byte) i});
                assertThat(Net.readExactly(downloading, 1)).containsExactly((byte) i);
                Thread.sleep(250);
            }
            assertThat(quietReset.get(5, TimeUnit.SECONDS)).as("reset at the 2 s half-close timeout").isBetween(1.8, 3.5);
            Net.writeAll(downloadServer, "last".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(Net.readExactly(downloading, 4), StandardCharsets.US_ASCII)).isEqualTo("last");
            JsonNode record = Net.awaitFlowRecord(flows, Net.endpoint((InetSocketAddress) quiet.getLocalAddress()));
            assertThat(record.get("closeReason").asText()).isEqualTo("half-close timeout");
        } finally {
            for (SocketChannel channel : held) {
                if (channel != null) {
                    channel.close();
                }
            }
        }
    }

    private static int number(String digits) {
        return digits == null ? 0 : Integer.parseInt(digits);
    }

    private static SocketChannel connectToEcho() {
        return Net.connect(net.client(), net.serverEnd().ipv4(), ECHO_PORT);
    }

    private static void assertEchoes(SocketChannel channel, String text) throws IOException {
        Net.writeAll(channel, text.getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(Net.readExactly(channel, text.length()), StandardCharsets.US_ASCII)).isEqualTo(text);
    }

    private interface Check {
        void run() throws Exception;
    }

    /** Runs {@code check} while {@code host} drops the TCP packets it receives with that port ({@code --sport/--dport}). */
    private static void blackHole(Host host, String direction, int port, Check check) throws Exception {
        String rule = "INPUT -p tcp " + direction + " " + port + " -j DROP";
        host.exec(("iptables -A " + rule).split(" "));
        try {
            check.run();
        } finally {
            host.exec(("iptables -D " + rule).split(" "));
        }
    }

    /** Waits (up to 5 s) until {@code file} contains {@code text}; returns its content. */
    private static String awaitInFile(Path file, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        String content = "";
        while (System.nanoTime() < deadline) {
            content = Files.exists(file) ? Files.readString(file) : "";
            if (content.contains(text)) {
                return content;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in " + file + ":\n" + content);
    }
}
