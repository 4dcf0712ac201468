package org.pepsal.testbed.splitter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.topology.PepProcess;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A client — gateway — server topology per test class with an echo server in the server host, and at most one
 * proxy per test in the gateway, stopped after it; the proxy's log is kept in target/proxy-logs/&lt;test&gt;.log.
 */
abstract class EchoGatewayFixture {
    static final int ECHO_PORT = 7100;
    static GatewayTopology net;
    static ExecutorService threads;
    private static ServerSocketChannel echoListener;
    @TempDir
    Path work;
    PepProcess pep;

    @BeforeAll
    static void build() {
        threads = Executors.newCachedThreadPool();
        net = GatewayTopology.build(true);
        echoListener = Net.listen(net.server(), net.serverEnd().ipv4(), ECHO_PORT);
        Net.serveEcho(echoListener, threads);
    }

    @AfterAll
    static void tearDown() throws IOException {
        threads.shutdownNow();
        if (echoListener != null) {
            echoListener.close();
        }
        if (net != null) {
            net.close();
        }
    }

    @AfterEach
    void stopProxy(TestInfo test) throws IOException {
        if (pep != null) {
            pep.stop();
            Path logs = Path.of("target", "proxy-logs");
            Files.createDirectories(logs);
            Files.writeString(logs.resolve(test.getTestMethod().orElseThrow().getName() + ".log"), pep.log());
        }
    }
}
