package org.pepsal.testbed.splitter;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.topology.PepProcess;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The relay's behaviour through the proxy (SPLIT) and, in the same test, through plain routing (PLAIN): data
 * byte-exact both ways, half-closes and resets carried across, the server seeing the client's own address.
 */
@NeedsRoot
class RelayTest {
    /** Plain routing; the proxy copying through user space; the proxy splicing in the kernel. */
    enum Mode {
        PLAIN, SPLIT, SPLICE;

        boolean proxied() {
            return this != PLAIN;
        }
    }

    private static final int SERVER_PORT = 7000;
    private static GatewayTopology split;
    private static GatewayTopology spliced;
    private static GatewayTopology plain;
    private static PepProcess splicingProxy;
    @TempDir
    static Path work;

    @BeforeAll
    static void build() {
        split = GatewayTopology.build(true);
        spliced = GatewayTopology.build(true);
        plain = GatewayTopology.build(false);
        PepProcess.start(split.gateway(), work.resolve("copy"), List.of("--conns-per-source", "0", "--flow-log", flowLog(Mode.SPLIT).toString()));
        splicingProxy = PepProcess.start(spliced.gateway(), work.resolve("splice"),
                List.of("--splice", "--conns-per-source", "0", "--flow-log", flowLog(Mode.SPLICE).toString()));
    }

    @AfterAll
    static void tearDown() {
        if (split != null) {
            split.close();
        }
        if (spliced != null) {
            spliced.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    private static Path flowLog(Mode mode) {
        return work.resolve(mode.name().toLowerCase(java.util.Locale.ROOT) + "-flows.jsonl");
    }

    private static GatewayTopology topology(Mode mode) {
        return switch (mode) {
            case PLAIN -> plain;
            case SPLIT -> split;
            case SPLICE -> spliced;
        };
    }

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @org.junit.jupiter.api.AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void fullDuplex64MiBIsByteExactAndTheServerSeesTheClient(Mode mode) throws Exception {
        GatewayTopology net = topology(mode);
        long size = 64L << 20;
        try (ServerSocketChannel listener = Net.listen(net.server(), net.serverEnd().ipv4(), SERVER_PORT);
             SocketChannel client = Net.connect(net.client(), net.serverEnd().ipv4(), SERVER_PORT);
             SocketChannel accepted = listener.accept()) {
            Future<byte[]> clientSent = threads.submit(() -> {
                byte[] digest = Net.send(client, 1, size);
                client.shutdownOutput();
                return digest;
            });
            Future<byte[]> serverSent = threads.submit(() -> {
                byte[] digest = Net.send(accepted, 2, size);
                accepted.shutdownOutput();
                return digest;
            });
            Future<Net.Received> serverGot = threads.submit(() -> Net.receiveAll(accepted));
            Net.Received clientGot = Net.receiveAll(client);

            assertThat(serverGot.get(60, TimeUnit.SECONDS).bytes()).isEqualTo(size);
            assertThat(serverGot.get().sha256()).isEqualTo(clientSent.get());
            assertThat(clientGot.bytes()).isEqualTo(size);
            assertThat(clientGot.sha256()).isEqualTo(serverSent.get());
            InetSocketAddress seenByServer = (InetSocketAddress) accepted.getRemoteAddress();
            assertThat(seenByServer).isEqualTo(client.getLocalAddress());
            assertThat(seenByServer.getAddress().getHostAddress()).isEqualTo(net.clientEnd().ipv4());

            if (mode.proxied()) {
                JsonNode record = Net.awaitFlowRecord(flowLog(mode), Net.endpoint((InetSocketAddress) client.getLocalAddress()));
                assertThat(record.get("bytesFromClient").asLong()).isEqualTo(size);
                assertThat(record.get("bytesFromServer").asLong()).isEqualTo(size);
                assertThat(record.get("closeReason").asText()).isEqualTo("closed by both ends");
                assertThat(record.get("clientLeg").get("rttUs").asLong()).isPositive();
                // TCP_INFO is taken as the legs close, when the last bytes may still be unacknowledged.
                assertThat(record.get("serverLeg").get("bytesAcked").asLong()).isBetween(1L, size + 2); // SYN and FIN count too
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void clientHalfCloseStillGetsTheServersReply(Mode mode) throws Exception {
        GatewayTopology net = topology(mode);
        long replySize = 16L << 20;
        try (ServerSocketChannel listener = Net.listen(net.server(), net.serverEnd().ipv4(), SERVER_PORT);
             SocketChannel client = Net.connect(net.client(), net.serverEnd().ipv4(), SERVER_PORT);
             SocketChannel accepted = listener.accept()) {
            Net.writeAll(client, "question".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            // The server reads to end of stream (the FIN crossed the proxy), then answers with more than any
            // socket buffer holds, so the proxy must keep writing to a leg whose input has ended.
            Net.Received question = Net.receiveAll(accepted);
            assertThat(question.bytes()).isEqualTo(8);
            Future<byte[]> reply = threads.submit(() -> {
                byte[] digest = Net.send(accepted, 5, replySize);
                accepted.shutdownOutput();
                return digest;
            });
            Thread.sleep(300); // let the proxy's socket buffer towards the client fill up first
            Net.Received got = Net.receiveAll(client);
            assertThat(got.bytes()).isEqualTo(replySize);
            assertThat(got.sha256()).isEqualTo(reply.get(30, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void serverHalfCloseLetsTheClientKeepSending(Mode mode) throws Exception {
        GatewayTopology net = topology(mode);
        try (ServerSocketChannel listener = Net.listen(net.server(), net.serverEnd().ipv4(), SERVER_PORT);
             SocketChannel client = Net.connect(net.client(), net.serverEnd().ipv4(), SERVER_PORT);
             SocketChannel accepted = listener.accept()) {
            Net.writeAll(accepted, "banner".getBytes(StandardCharsets.US_ASCII));
            accepted.shutdownOutput();
            assertThat(new String(Net.readExactly(client, 100), StandardCharsets.US_ASCII)).isEqualTo("banner");
            long size = 4L << 20;
            Future<byte[]> sent = threads.submit(() -> {
                byte[] digest = Net.send(client, 3, size);
                client.shutdownOutput();
                return digest;
            });
            Net.Received got = Net.receiveAll(accepted);
            assertThat(got.bytes()).isEqualTo(size);
            assertThat(got.sha256()).isEqualTo(sent.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aHalfClosedSplicedConnectionWhosePeerDoesNotReadCostsNoCpu() throws Exception {
        GatewayTopology net = spliced;
        long size = 512L << 10;
        try (ServerSocketChannel listener = Net.listen(net.server(), net.serverEnd().ipv4(), SERVER_PORT);
             SocketChannel client = Net.connect(net.client(), net.serverEnd().ipv4(), SERVER_PORT);
             SocketChannel accepted = listener.accept()) {
            Future<byte[]> sent = threads.submit(() -> {
                byte[] digest = Net.send(client, 6, size);
                client.shutdownOutput();
                return digest;
            });
            // The server does not read: the proxy holds the FIN behind bytes it cannot pass on yet.
            String port = Integer.toString(((InetSocketAddress) client.getLocalAddress()).getPort());
            for (long deadline = System.nanoTime() + 10_000_000_000L;
                 !net.client().exec("ss", "-tnH", "state", "fin-wait-2", "sport", "= :" + port).contains(port); ) {
                assertThat(System.nanoTime()).as("the proxy acknowledged the client's FIN").isLessThan(deadline);
                Thread.sleep(50);
            }
            Thread.sleep(500);
            double before = Net.cpuSeconds(splicingProxy.pid());
            Thread.sleep(4000);
            double share = (Net.cpuSeconds(splicingProxy.pid()) - before) / 4.0;
            assertThat(share).as("share of one core the waiting proxy used").isLessThan(0.05);
            // Once the server reads, everything arrives, then the FIN.
            Net.Received got = Net.receiveAll(accepted);
            assertThat(got.bytes()).isEqualTo(size);
            assertThat(got.sha256()).isEqualTo(sent.get(10, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void serverResetReachesTheClientAsAReset(Mode mode) throws Exception {
        GatewayTopology net = topology(mode);
        try (ServerSocketChannel listener = Net.listen(net.server(), net.serverEnd().ipv4(), SERVER_PORT);
             SocketChannel client = Net.connect(net.client(), net.serverEnd().ipv4(), SERVER_PORT)) {
            SocketChannel accepted = listener.accept();
            Net.writeAll(client, "hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(Net.readExactly(accepted, 5)).hasSize(5);
            accepted.setOption(StandardSocketOptions.SO_LINGER, 0);
            accepted.close();
            assertThatThrownBy(() -> Net.readExactly(client, 1))
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void connectToAClosedPortResetsTheClientInsteadOfAnEof() throws Exception {
        // Through the proxy the client's connect succeeds (the proxy answered the SYN); what matters is that it
        // then sees a reset, as it would have seen a refusal, and never a clean end of stream.
        try (SocketChannel client = Net.connect(split.client(), split.serverEnd().ipv4(), SERVER_PORT + 1)) {
            assertThatThrownBy(() -> Net.readExactly(client, 1))
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            JsonNode record = Net.awaitFlowRecord(flowLog(Mode.SPLIT), Net.endpoint((InetSocketAddress) client.getLocalAddress()));
            assertThat(record.get("closeReason").asText()).contains("refused");
        }
        assertThatThrownBy(() -> Net.connect(plain.client(), plain.serverEnd().ipv4(), SERVER_PORT + 1))
                .hasMessageContaining("refused");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void twoConnectionsFromOneSourcePortToTwoServersStaySeparate(Mode mode) throws Exception {
        GatewayTopology net = topology(mode);
        String secondServer = net.serverEnd().ipv4().replaceAll("\\.2$", ".3");
        net.server().exec("ip", "addr", "replace", secondServer + "/24", "dev", net.serverEnd().device());
        int sourcePort = 61000 + mode.ordinal(); // above the ephemeral range, so no other socket holds it
        String clientAddress = net.clientEnd().ipv4();
        try (ServerSocketChannel first = Net.listen(net.server(), net.serverEnd().ipv4(), SERVER_PORT);
             ServerSocketChannel second = Net.listen(net.server(), secondServer, SERVER_PORT);
             SocketChannel a = Net.connectFrom(net.client(), clientAddress, sourcePort, net.serverEnd().ipv4(), SERVER_PORT);
             SocketChannel b = Net.connectFrom(net.client(), clientAddress, sourcePort, secondServer, SERVER_PORT);
             SocketChannel atFirst = first.accept();
             SocketChannel atSecond = second.accept()) {
            Net.writeAll(a, "to-first".getBytes(StandardCharsets.US_ASCII));
            Net.writeAll(b, "to-second".getBytes(StandardCharsets.US_ASCII));
            Net.writeAll(atFirst, "from-first".getBytes(StandardCharsets.US_ASCII));
            Net.writeAll(atSecond, "from-second".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(Net.readExactly(atFirst, 8), StandardCharsets.US_ASCII)).isEqualTo("to-first");
            assertThat(new String(Net.readExactly(atSecond, 9), StandardCharsets.US_ASCII)).isEqualTo("to-second");
            assertThat(new String(Net.readExactly(a, 10), StandardCharsets.US_ASCII)).isEqualTo("from-first");
            assertThat(new String(Net.readExactly(b, 11), StandardCharsets.US_ASCII)).isEqualTo("from-second");
            assertThat(((InetSocketAddress) atFirst.getRemoteAddress()).getPort()).isEqualTo(sourcePort);
            assertThat(((InetSocketAddress) atSecond.getRemoteAddress()).getPort()).isEqualTo(sourcePort);
        }
    }

    /**
     * A client may use any source port, the proxy's own listening port too: its server leg must still bind to it,
     * though the proxy's listeners hold that port on the wildcard address in the gateway.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aClientWhoseSourcePortIsTheProxysPortIsSplitToo(Mode mode) throws Exception {
        GatewayTopology net = topology(mode);
        String clientAddress = net.clientEnd().ipv4();
        try (ServerSocketChannel listener = Net.listen(net.server(), net.serverEnd().ipv4(), SERVER_PORT);
             SocketChannel client = Net.connectFrom(net.client(), clientAddress, PepProcess.PORT,
                     net.serverEnd().ipv4(), SERVER_PORT)) {
            listener.socket().setSoTimeout(10_000); // a server leg that never connects: a timeout, not a hang
            try (Socket atServer = listener.socket().accept()) {
                Net.writeAll(client, "request".getBytes(StandardCharsets.US_ASCII));
                assertThat(atServer.getInputStream().readNBytes(7)).asString(StandardCharsets.US_ASCII)
                        .isEqualTo("request");
                atServer.getOutputStream().write("reply".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(Net.readExactly(client, 5), StandardCharsets.US_ASCII)).isEqualTo("reply");
                assertThat(atServer.getRemoteSocketAddress())
                        .isEqualTo(new InetSocketAddress(clientAddress, PepProcess.PORT));
            }
        }
        if (mode.proxied()) {
            JsonNode record = Net.awaitFlowRecord(flowLog(mode), clientAddress + ":" + PepProcess.PORT);
            assertThat(record.get("connectedTime").isNull()).as("split: the server leg connected").isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void thousandConcurrentConnectionsEachEchoVerified(Mode mode) throws Exception {
        GatewayTopology net = topology(mode);
        int count = 1000;
        try (ServerSocketChannel listener = Net.listen(net.server(), net.serverEnd().ipv4(), SERVER_PORT)) {
            Net.serveEcho(listener, threads);
            List<SocketChannel> clients = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    clients.add(Net.connect(net.client(), net.serverEnd().ipv4(), SERVER_PORT));
                }
                for (int i = 0; i < count; i++) {
                    Net.writeAll(clients.get(i), ("connection-" + i + ";").getBytes(StandardCharsets.US_ASCII));
                }
                for (int i = 0; i < count; i++) {
                    String expected = "connection-" + i + ";";
                    assertThat(new String(Net.readExactly(clients.get(i), expected.length()), StandardCharsets.US_ASCII))
                            .isEqualTo(expected);
                }
            } finally {
                for (SocketChannel client : clients) {
                    client.close();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void ipv6IsSplitToo(Mode mode) throws Exception {
        GatewayTopology net = topology(mode);
        long size = 8L << 20;
        try (ServerSocketChannel listener = Net.listen(net.server(), net.serverEnd().ipv6(), SERVER_PORT);
             SocketChannel client = Net.connect(net.client(), net.serverEnd().ipv6(), SERVER_PORT);
             SocketChannel accepted = listener.accept()) {
            Future<byte[]> sent = threads.submit(() -> {
                byte[] digest = Net.send(client, 4, size);
                client.shutdownOutput();
                return digest;
            });
            Net.Received got = Net.receiveAll(accepted);
            assertThat(got.sha256()).isEqualTo(sent.get(30, TimeUnit.SECONDS));
            InetSocketAddress seen = (InetSocketAddress) accepted.getRemoteAddress();
            assertThat(seen.getAddress().getHostAddress()).isEqualTo(
                    java.net.InetAddress.getByName(net.clientEnd().ipv6()).getHostAddress());
            accepted.shutdownOutput();
            assertThat(Net.readExactly(client, 1)).isEmpty();
            if (mode.proxied()) {
                JsonNode record = Net.awaitFlowRecord(flowLog(mode), Net.endpoint((InetSocketAddress) client.getLocalAddress()));
                assertThat(record.get("bytesFromClient").asLong()).isEqualTo(size);
            }
        }
    }
}
