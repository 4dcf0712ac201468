package org.pepsal.testbed.splitter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.topology.PepProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restart as systemd does it (SIGTERM, the proxy drains, {@code rules remove}, {@code rules install}, a new
 * proxy) while clients open connections without pause and long transfers run through the old proxy: no connection
 * fails and every transfer completes.
 */
@NeedsRoot
class RestartUnderLoadTest {
    private static final int ECHO_PORT = 7400;
    private static final int TRANSFER_PORT = 7401;
    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS = 40; // 2.5 MiB over about 4 s
    @TempDir
    Path work;
    /** Which step of the restart is under way, for the failure messages. */
    private static volatile String phase = "before";

    @Test
    void restartingFailsNoConnectionAndOpenTransfersComplete() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try (GatewayTopology net = GatewayTopology.build(false);
             ServerSocketChannel echo = Net.listen(net.server(), net.serverEnd().ipv4(), ECHO_PORT);
             ServerSocketChannel transfers = Net.listen(net.server(), net.serverEnd().ipv4(), TRANSFER_PORT)) {
            Net.serveEcho(echo, threads);
            servePacedTransfers(transfers, threads);
            Path stateDir = work.resolve("state");
            Files.createDirectories(work.resolve("old"));
            Files.createDirectories(work.resolve("new"));
            PepProcess.rules(net.gateway(), stateDir, "install", "--iface", net.gatewayClientDevice(),
                    "--no-ip-forward");
            PepProcess old = PepProcess.start(net.gateway(), work.resolve("old"), proxyArgs(stateDir, "old"));

            AtomicBoolean loading = new AtomicBoolean(true);
            AtomicLong done = new AtomicLong();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                clients.add(threads.submit(() -> shortConnections(net, loading, done, failures)));
            }
            List<Future<Long>> downloads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                downloads.add(threads.submit(() -> download(net)));
            }
            Thread.sleep(1000);
            long beforeStop = done.get();
            phase = "draining";
            assertThat(old.terminate(Duration.ofSeconds(40))).as(old.log()).isZero();
            long duringDrain = done.get() - beforeStop;
            phase = "remove";
            PepProcess.rules(net.gateway(), stateDir, "remove");
            phase = "install";
            PepProcess.rules(net.gateway(), stateDir, "install", "--iface", net.gatewayClientDevice(),
                    "--no-ip-forward");
            phase = "new proxy starting";
            PepProcess next = PepProcess.start(net.gateway(), work.resolve("new"), proxyArgs(stateDir, "new"));
            phase = "new proxy";
            Thread.sleep(2000);
            loading.set(false);
            for (Future<?> client : clients) {
                client.get(30, TimeUnit.SECONDS);
            }
            for (Future<Long> download : downloads) {
                assertThat(download.get(30, TimeUnit.SECONDS)).as("bytes of a transfer open across the restart")
                        .isEqualTo((long) CHUNK * CHUNKS);
            }
            Files.writeString(Path.of("target", "restart-old.log"), old.log());
            Files.writeString(Path.of("target", "restart-new.log"), next.log());
            assertThat(failures).as("connections that failed").isEmpty();
            assertThat(duringDrain).as("connections made while the old proxy drained").isPositive();
            assertThat(old.log()).contains("stopped diverting new connections");
            assertThat(Net.flowRecords(work.resolve("old").resolve("flows.jsonl")))
                    .as("the transfers went through the old proxy").hasSizeGreaterThanOrEqualTo(3);
            assertThat(next.terminate(Duration.ofSeconds(40))).isZero();
            assertThat(Net.flowRecords(work.resolve("new").resolve("flows.jsonl")))
                    .as("the new proxy split connections again").isNotEmpty();
            PepProcess.rules(net.gateway(), stateDir, "remove");
        } finally {
            threads.shutdownNow();
        }
    }

    private static List<String> proxyArgs(Path stateDir, String name) {
        return List.of("--state-dir", stateDir.toString(), "--drain-timeout", "20", "--flow-log",
                stateDir.resolveSibling(name).resolve("flows.jsonl").toString());
    }

    /** Connect, one byte each way, close; one after another until told to stop. Failures are collected. */
    private static Void shortConnections(GatewayTopology net, AtomicBoolean loading, AtomicLong done,
                                         ConcurrentLinkedQueue<String> failures) {
        InetSocketAddress target = new InetSocketAddress(net.serverEnd().ipv4(), ECHO_PORT);
        while (loading.get()) {
            String started = phase;
            // the descriptor is made by the first option set, so inside the client's namespace
            try (Socket socket = net.client().call(() -> {
                Socket s = new Socket();
                s.setSoTimeout(10_000);
                return s;
            })) {
                socket.connect(target, 10_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write('x');
                if (in.read() != 'x') {
                    failures.add("no echo");
                }
                done.incrementAndGet();
            } catch (IOException e) {
                failures.add(e + " (started while " + started + ", now " + phase + ")");
            }
        }
        return null;
    }

    /** Reads one paced transfer to its end; returns how many bytes came. */
    private static long download(GatewayTopology net) throws IOException {
        try (SocketChannel channel = Net.connect(net.client(), net.serverEnd().ipv4(), TRANSFER_PORT)) {
            return Net.receiveAll(channel).bytes();
        }
    }

    /** Each connection: {@link #CHUNKS} chunks 100 ms apart, then close. */
    private static void servePacedTransfers(ServerSocketChannel listener, ExecutorService threads) {
        threads.execute(() -> {
            while (listener.isOpen()) {
                SocketChannel accepted;
                try {
                    accepted = listener.accept();
                } catch (IOException e) {
                    return;
                }
                threads.execute(() -> {
                    try (accepted) {
                        byte[] chunk = new byte[CHUNK];
                        for (int i = 0; i < CHUNKS; i++) {
                            Net.writeAll(accepted, chunk);
                            Thread.sleep(100);
                        }
                    } catch (IOException | InterruptedException ignored) {
                        // the client went away: its download reports the shortfall
                    }
                });
            }
        });
    }
}
