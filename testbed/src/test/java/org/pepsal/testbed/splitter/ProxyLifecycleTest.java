package org.pepsal.testbed.splitter;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.topology.PepProcess;
import org.pepsal.testbed.topology.Shell;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy process under limits and signals: connection cap, descriptor exhaustion, collector, logs, SIGTERM. */
@NeedsRoot
class ProxyLifecycleTest extends EchoGatewayFixture {

    private static SocketChannel connectToEcho() {
        return Net.connect(net.client(), net.serverEnd().ipv4(), ECHO_PORT);
    }

    private static void assertEchoes(SocketChannel channel, String text) throws IOException {
        Net.writeAll(channel, text.getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(Net.readExactly(channel, text.length()), StandardCharsets.US_ASCII)).isEqualTo(text);
    }

    @Test
    void oneConnectionOverTheLimitIsResetAndTheOthersAreUnharmed() throws Exception {
        Path flows = work.resolve("flows.jsonl");
        pep = PepProcess.start(net.gateway(), work, List.of("-c", "3", "--flow-log", flows.toString()));
        List<SocketChannel> admitted = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                admitted.add(connectToEcho());
                assertEchoes(admitted.get(i), "first-" + i);
            }
            try (SocketChannel overLimit = connectToEcho()) {
                assertThatThrownBy(() -> Net.readExactly(overLimit, 1))
                        .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            }
            for (int i = 0; i < 3; i++) {
                assertEchoes(admitted.get(i), "again-" + i);
            }
            assertThat(pep.process().isAlive()).isTrue();
            assertThat(pep.log()).contains("connection limit (3) reached");
        } finally {
            for (SocketChannel channel : admitted) {
                channel.close();
            }
        }
        // Once the proxy has closed the three (their flow records are written), their places are free again.
        for (long deadline = System.nanoTime() + 10_000_000_000L; Net.flowRecords(flows).size() < 3; ) {
            assertThat(System.nanoTime()).as("three closed flows logged").isLessThan(deadline);
            Thread.sleep(20);
        }
        try (SocketChannel later = connectToEcho()) {
            assertEchoes(later, "later");
        }
    }

    @Test
    void outOfDescriptorsDoesNotSpinAndRecovers() throws Exception {
        pep = PepProcess.start(net.gateway(), work, List.of());
        try (SocketChannel warmUp = connectToEcho()) {
            assertEchoes(warmUp, "warm-up"); // the event loops open their descriptors on first use
        }
        Thread.sleep(200);
        int baseline = openDescriptors(pep.pid());
        // Room for a few connections (two descriptors each) and no more, set on the running process.
        int limit = baseline + 8;
        Shell.run("prlimit", "--pid", Long.toString(pep.pid()), "--nofile=" + limit + ":" + limit);
        List<SocketChannel> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                clients.add(connectToEcho());
            }
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                SocketChannel client = clients.get(i);
                String text = "client-" + i;
                outcomes.add(threads.submit(() -> echoOrReset(client, text)));
            }
            Thread.sleep(1500);
            double cpu = Net.cpuSeconds(pep.pid());
            Thread.sleep(3000);
            double busy = (Net.cpuSeconds(pep.pid()) - cpu) / 3.0;
            assertThat(busy).as("proxy CPU share while out of descriptors").isLessThan(0.10);
            assertThat(pep.log()).contains("accept failed");

            for (SocketChannel client : clients) {
                client.close();
            }
            // Each client was served, or reset when no descriptor was left for its server leg: none hangs.
            for (Future<String> outcome : outcomes) {
                assertThat(outcome.get(15, TimeUnit.SECONDS)).isIn("echoed", "reset", "closed");
            }
            assertThat(outcomes.stream().map(ProxyLifecycleTest::result)).contains("echoed");
            // Accepting pauses a second after a failed accept, so the descriptors can be back while connections
            // still wait in the listen queue; accepted together with a fresh one, they would use them up again.
            for (long deadline = System.nanoTime() + 10_000_000_000L;
                 openDescriptors(pep.pid()) > baseline || listenQueued() > 0; ) {
                assertThat(System.nanoTime()).as("descriptors released, listen queue drained").isLessThan(deadline);
                Thread.sleep(20);
            }
            // Descriptors are free again: new connections are split and served.
            for (int i = 0; i < 3; i++) {
                try (SocketChannel fresh = connectToEcho()) {
                    assertEchoes(fresh, "fresh-" + i);
                }
            }
            assertThat(pep.process().isAlive()).isTrue();
        } finally {
            for (SocketChannel client : clients) {
                client.close();
            }
        }
    }

    /** Connections the kernel completed that the proxy has not accepted yet, over its listeners. */
    private static int listenQueued() {
        int queued = 0;
        for (String line : net.gateway().exec("ss", "-Hltn", "sport = :" + PepProcess.PORT).split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 1) {
                queued += Integer.parseInt(fields[1]);
            }
        }
        return queued;
    }

    private static String result(Future<String> outcome) {
        try {
            return outcome.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String echoOrReset(SocketChannel client, String text) {
        try {
            Net.writeAll(client, text.getBytes(StandardCharsets.US_ASCII));
            byte[] back = Net.readExactly(client, text.length());
            return new String(back, StandardCharsets.US_ASCII).equals(text) ? "echoed" : "short:" + back.length;
        } catch (SocketException e) {
            return e.getMessage().contains("reset") ? "reset" : "closed";
        } catch (IOException e) {
            return "closed";
        }
    }

    @Test
    void collectorResetsConnectionsPendingTooLong() throws Exception {
        Path flows = work.resolve("flows.jsonl");
        Path table = work.resolve("table.log");
        int silentPort = 7200;
        net.server().exec("iptables", "-A", "INPUT", "-p", "tcp", "--dport", Integer.toString(silentPort), "-j", "DROP");
        try {
            pep = PepProcess.start(net.gateway(), work, List.of("-g", "1", "-t", "2", "--flow-log", flows.toString(),
                    "-l", table.toString(), "--log-interval", "0.5"));
            try (SocketChannel client = Net.connect(net.client(), net.serverEnd().ipv4(), silentPort)) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> Net.readExactly(client, 1))
                        .isInstanceOf(SocketException.class).hasMessageContaining("reset");
                double waited = (System.nanoTime() - start) / 1e9;
                assertThat(waited).isBetween(1.5, 6.0);
                JsonNode record = Net.awaitFlowRecord(flows, Net.endpoint((InetSocketAddress) client.getLocalAddress()));
                assertThat(record.get("closeReason").asText()).isEqualTo("pending longer than 2 s");
                assertThat(record.get("connectedTime").isNull()).isTrue();
                assertThat(Files.readString(table)).contains("Status: PENDING");
            }
        } finally {
            net.server().exec("iptables", "-D", "INPUT", "-p", "tcp", "--dport", Integer.toString(silentPort), "-j", "DROP");
        }
    }

    @Test
    void tableLogIsLaidOutLikeTheOriginals() throws Exception {
        Path table = work.resolve("table.log");
        pep = PepProcess.start(net.gateway(), work, List.of("-l", table.toString(), "--log-interval", "0.3"));
        String clientEndpoint;
        try (SocketChannel client = connectToEcho()) {
            assertEchoes(client, "hello");
            clientEndpoint = Net.endpoint((InetSocketAddress) client.getLocalAddress());
            String expectedHeader = "[1] Proxy " + clientEndpoint + " <-> " + net.serverEnd().ipv4() + ":" + ECHO_PORT;
            // The first dumps may predate the echo; wait for one taken after it.
            String dump = awaitDump(table, "    Bytes: 5 from client, 5 from server");
            List<String> lines = dump.lines().toList();
            int at = lines.indexOf(expectedHeader);
            assertThat(lines.get(0)).matches("=== \\[\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] ===");
            assertThat(lines.get(at + 1)).isEqualTo("    Status: CONNECTED");
            assertThat(lines.get(at + 2)).matches("    SYN received: \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}");
            assertThat(lines.get(at + 3)).startsWith("    Last Rx/Tx activity: ");
            // The original's four lines, then this proxy's: when the idle timeout would reset it, and its bytes.
            assertThat(lines.get(at + 4)).matches("    Idle timeout: \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} unless data moves");
            assertThat(lines.get(at + 5)).isEqualTo("    Bytes: 5 from client, 5 from server");
        }
        awaitDump(table, " No connections");
    }

    /** Waits for a dump (the text after the last header) that contains {@code line}. */
    private static String awaitDump(Path table, String line) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(table)) {
                String all = Files.readString(table);
                int last = all.lastIndexOf("=== [");
                String dump = last >= 0 ? all.substring(last) : "";
                if (dump.lines().anyMatch(line::equals)) {
                    return dump;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no dump with '" + line + "' in " + table);
    }

    @Test
    void sigtermStopsAcceptingDrainsAndExitsZero() throws Exception {
        pep = PepProcess.start(net.gateway(), work, List.of("--drain-timeout", "8"));
        try (SocketChannel open = connectToEcho()) {
            assertEchoes(open, "before");
            long start = System.nanoTime();
            Future<Integer> exit = threads.submit(() -> pep.terminate(Duration.ofSeconds(20)));
            awaitLog("stopped accepting");
            // The open connection still works while the proxy drains; new ones are reset at once.
            assertEchoes(open, "during");
            try (SocketChannel late = connectToEcho()) {
                assertThatThrownBy(() -> Net.readExactly(late, 1)).hasMessageContaining("reset");
            }
            open.close();
            assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(8.0);
        }
    }

    @Test
    void sigtermResetsWhatIsStillOpenAfterTheGracePeriod() throws Exception {
        pep = PepProcess.start(net.gateway(), work, List.of("--drain-timeout", "1"));
        try (SocketChannel open = connectToEcho()) {
            assertEchoes(open, "before");
            assertThat(pep.terminate(Duration.ofSeconds(20))).isZero();
            assertThatThrownBy(() -> Net.readExactly(open, 1))
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void aSecondProxyOnTheSamePortSaysTheCause() {
        pep = PepProcess.start(net.gateway(), work, List.of());
        assertThatThrownBy(() -> PepProcess.start(net.gateway(), work.resolve("second"), List.of()))
                .hasMessageContaining("port 5000 is already in use");
    }

    @Test
    void withoutCapNetAdminTheErrorNamesIt() {
        assertThatThrownBy(() -> PepProcess.start(net.gateway(), work,
                List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--"),
                List.of("-p", "5001")))
                .hasMessageContaining("CAP_NET_ADMIN");
    }

    private void awaitLog(String text) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!pep.log().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("proxy never logged '" + text + "':\n" + pep.log());
            }
            Thread.sleep(20);
        }
    }

    private static int openDescriptors(long pid) throws IOException {
        try (var entries = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) entries.count();
        }
    }
}
