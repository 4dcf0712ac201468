package org.pepsal.testbed.splitter;

import org.junit.jupiter.api.Test;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.topology.PepProcess;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy's limits and timeouts as a real process sees them: descriptors, connect, idle, per source, options. */
@NeedsRoot
class ProxyLimitsTest extends EchoGatewayFixture {

    /**
     * One host opens more connections than the whole table holds, all to an address that never answers; past
     * its own limit each is reset at once (one log line says so, the metrics count them all), the ones admitted
     * are reset at the connect timeout, and another host's connection is served meanwhile.
     */
    @Test
    void aHostFloodingABlackHoleIsCappedWhileAnotherHostIsServed() throws Exception {
        int silentPort = 7301;
        String otherHost = net.clientEnd().ipv4().replaceFirst("\\.\\d+$", ".77");
        net.client().exec("ip", "addr", "add", otherHost + "/24", "dev", net.clientEnd().device());
        net.server().exec("iptables", "-A", "INPUT", "-p", "tcp", "--dport", Integer.toString(silentPort), "-j", "DROP");
        Path flows = work.resolve("flows.jsonl");
        List<SocketChannel> flood = new ArrayList<>();
        try {
            pep = PepProcess.start(net.gateway(), work, List.of("--conns", "20", "--conns-per-source", "5",
                    "--connect-timeout", "2", "--metrics-port", "8404", "--flow-log", flows.toString()));
            for (int i = 0; i < 25; i++) {
                flood.add(Net.connect(net.client(), net.serverEnd().ipv4(), silentPort));
            }
            List<Future<Double>> resetAfter = new ArrayList<>();
            long start = System.nanoTime();
            for (SocketChannel channel : flood) {
                resetAfter.add(threads.submit(() -> {
                    assertThatThrownBy(() -> Net.readExactly(channel, 1)).hasMessageContaining("reset");
                    return (System.nanoTime() - start) / 1e9;
                }));
            }
            try (SocketChannel other = Net.connectFrom(net.client(), otherHost, 0, net.serverEnd().ipv4(), ECHO_PORT)) {
                Net.writeAll(other, "other host".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(Net.readExactly(other, 10), StandardCharsets.US_ASCII)).isEqualTo("other host");
            }
            List<Double> times = new ArrayList<>();
            for (Future<Double> time : resetAfter) {
                times.add(time.get(20, TimeUnit.SECONDS));
            }
            assertThat(times.stream().filter(t -> t < 1.0)).as("reset at once: over the source's limit").hasSize(20);
            assertThat(times.stream().filter(t -> t >= 1.5 && t < 5.0)).as("reset at the connect timeout").hasSize(5);
            JsonNode timedOut = Net.flowRecords(flows).stream().filter(r -> r.get("server").asText().endsWith(":" + silentPort))
                    .findFirst().orElseThrow();
            assertThat(timedOut.get("closeReason").asText()).contains("timed out");
            String metrics = pep.metrics(8404);
            assertThat(metrics).contains("pepsal_connections_over_source_limit_total 20.0")
                    .contains("pepsal_connections_per_source_limit 5.0")
                    .contains("pepsal_connections_over_limit_total 0.0")
                    .contains("pepsal_flow_log_dropped_total 0.0")
                    .contains("pepsal_upstream_connect_failures_total{reason=\"timeout\"} 5.0");
            // Twenty refusals, one line: no synchronous write per refused connection on the event loop.
            assertThat(pep.log().lines().filter(l -> l.contains("connections from"))).hasSize(1);
        } finally {
            for (SocketChannel channel : flood) {
                channel.close();
            }
            net.server().exec("iptables", "-D", "INPUT", "-p", "tcp", "--dport", Integer.toString(silentPort), "-j", "DROP");
            net.client().exec("ip", "addr", "del", otherHost + "/24", "dev", net.clientEnd().device());
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
