package org.pepsal.testbed.splitter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.topology.PepProcess;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy's limits and timeouts as a real process sees them: descriptors, connect, idle, per source, options. */
@NeedsRoot
class ProxyLimitsTest {
    private static final int ECHO_PORT = 7300;
    private static GatewayTopology net;
    private static ServerSocketChannel echoListener;
    private static final ExecutorService threads = Executors.newCachedThreadPool();
    @TempDir
    Path work;
    private PepProcess pep;

    @BeforeAll
    static void build() {
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

    @Test
    void aDescriptorLimitTooSmallForConnsIsAStartUpError() {
        assertThatThrownBy(() -> PepProcess.start(net.gateway(), work, List.of("prlimit", "--nofile=512:512", "--"),
                List.of("--conns", "2112", "--splice")))
                .hasMessageContaining("exited with 1")
                .hasMessageContaining("--conns 2112 needs about")
                .hasMessageContaining("6 per connection with --splice")
                .hasMessageContaining("RLIMIT_NOFILE is 512");
    }
}
