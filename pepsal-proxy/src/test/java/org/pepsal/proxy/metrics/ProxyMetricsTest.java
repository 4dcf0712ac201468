package org.pepsal.proxy.metrics;

import org.junit.jupiter.api.Test;
import org.pepsal.proxy.relay.ProxyCounters;
import org.pepsal.proxy.table.ConnectionEntry;
import org.pepsal.proxy.table.ConnectionHandle;
import org.pepsal.proxy.table.ConnectionState;
import org.pepsal.proxy.table.ConnectionTable;
import org.pepsal.proxy.table.FlowKey;

import java.io.IOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxyMetricsTest {
    private final ConnectionTable table = new ConnectionTable(64, 0);
    private final ProxyMetrics metrics = new ProxyMetrics(new ProxyCounters(), table);

    /** A table entry whose counters "refresh" to fixed numbers, as the event loop would from TCP_INFO. */
    private ConnectionEntry open(int port, long fromClient, long fromServer) {
        ConnectionEntry[] self = new ConnectionEntry[1];
        ConnectionHandle handle = new ConnectionHandle() {
            @Override
            public void abort(String reason) {
            }

            @Override
            public CompletableFuture<Void> refreshCounters() {
                self[0].counters(fromClient, fromServer, Instant.now());
                return CompletableFuture.completedFuture(null);
            }
        };
        FlowKey key = new FlowKey(new InetSocketAddress("10.0.0.2", port), new InetSocketAddress("10.0.1.2", 80));
        self[0] = table.open(key, handle, Instant.now()).entry();
        return self[0];
    }

    @Test
    void everyFamilyIsThereFromTheStartInPrometheusTextFormat() {
        String text = metrics.scrape();
        assertThat(text).contains("# TYPE pepsal_connections_accepted_total counter",
                "pepsal_connections_accepted_total 0.0",
                "pepsal_connections_active{state=\"pending\"} 0",
                "pepsal_connections_limit 64",
                "pepsal_connections_over_limit_total 0.0",
                "pepsal_connections_reset_total 0.0",
                "pepsal_pending_collected_total 0.0",
                "pepsal_upstream_connect_failures_total{reason=\"refused\"} 0.0",
                "pepsal_relay_errors_total{kind=\"reset\",leg=\"client\"} 0.0",
                "pepsal_bytes_total{direction=\"client_to_server\"} 0.0",
                "# TYPE pepsal_connect_latency_seconds histogram",
                "process_files_open_files");
    }

    @Test
    void eventsBecomeCountsAndTheLatencyHistogram() {
        metrics.connected(Duration.ofMillis(280));
        metrics.connected(Duration.ofMillis(650));
        metrics.connectFailed(new ConnectException("Connection refused"));
        metrics.connectFailed(new io.netty.channel.ConnectTimeoutException("connection timed out after 3000 ms"));
        metrics.connectFailed(new java.net.NoRouteToHostException("No route to host"));
        metrics.relayError("server", new IOException("Connection reset by peer"));
        metrics.closed(1000, 2000, false);
        metrics.closed(10, 0, true);
        String text = metrics.scrape();
        assertThat(text).contains("pepsal_connect_latency_seconds_bucket{le=\"0.2\"} 0",
                "pepsal_connect_latency_seconds_bucket{le=\"0.3\"} 1",
                "pepsal_connect_latency_seconds_bucket{le=\"0.75\"} 2",
                "pepsal_connect_latency_seconds_count 2",
                "pepsal_upstream_connect_failures_total{reason=\"refused\"} 1.0",
                "pepsal_upstream_connect_failures_total{reason=\"timeout\"} 1.0",
                "pepsal_upstream_connect_failures_total{reason=\"unreachable\"} 1.0",
                "pepsal_relay_errors_total{kind=\"reset\",leg=\"server\"} 1.0",
                "pepsal_connections_closed_total{how=\"clean\"} 1.0",
                "pepsal_connections_closed_total{how=\"reset\"} 1.0",
                "pepsal_bytes_total{direction=\"client_to_server\"} 1010.0",
                "pepsal_bytes_total{direction=\"server_to_client\"} 2000.0");
    }

    @Test
    void activeConnectionsAreCountedByStateAndTheirBytesIncluded() {
        open(40001, 0, 0);
        ConnectionEntry connected = open(40002, 500, 700);
        connected.connected(Instant.now());
        ConnectionEntry closing = open(40003, 5, 5);
        closing.connected(Instant.now());
        closing.state(ConnectionState.CLOSING);
        String text = metrics.scrape();
        assertThat(text).contains("pepsal_connections_active{state=\"pending\"} 1",
                "pepsal_connections_active{state=\"connected\"} 1",
                "pepsal_connections_active{state=\"closing\"} 1",
                "pepsal_bytes_total{direction=\"client_to_server\"} 505.0");
        // the connection closes: its bytes move from "active" to "closed" and the counter does not go back
        table.remove(connected);
        metrics.closed(500, 700, false);
        assertThat(metrics.scrape()).contains("pepsal_bytes_total{direction=\"client_to_server\"} 505.0",
                "pepsal_connections_active{state=\"connected\"} 0");
    }

    @Test
    void theServerAnswersOnLoopbackOnly() throws Exception {
        try (MetricsServer server = MetricsServer.start(0, metrics)) {
            HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.port() + "/metrics")
                    .toURL().openConnection();
            assertThat(http.getResponseCode()).isEqualTo(200);
            assertThat(http.getContentType()).startsWith("text/plain; version=0.0.4");
            assertThat(new String(http.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("pepsal_connections_accepted_total");
            HttpURLConnection other = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.port() + "/x")
                    .toURL().openConnection();
            assertThat(other.getResponseCode()).isEqualTo(404);
            assertThatThrownBy(() -> MetricsServer.start(server.port(), metrics))
                    .hasMessageContaining("choose another --metrics-port");
        }
    }
}
