package org.pepsal.testbed.traffic;

import org.junit.jupiter.api.Test;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.topology.Shell;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The flows workload between two namespaces, through a routing gateway on plain veth links. */
@NeedsRoot
class FlowWorkloadTest {
    private static final int PORT = 8080;

    @Test
    void downloadsEverySizeAndTimesFirstAndLastByte() {
        String prefix;
        try (GatewayTopology topology = GatewayTopology.build(false);
             FlowServer server = FlowServer.start(topology.server(), topology.serverEnd().ipv4(), PORT);
             FlowClient client = new FlowClient(topology.client())) {
            prefix = topology.topology().prefix();

            List<FlowResult> flows = client.downloads(topology.serverEnd().ipv4(), PORT, List.of(10_000L, 1_000_000L),
                    2, Duration.ofSeconds(10));

            assertThat(flows).extracting(FlowResult::bytes).containsExactly(10_000L, 1_000_000L, 10_000L, 1_000_000L);
            for (FlowResult flow : flows) {
                assertThat(flow.state()).isEqualTo(FlowResult.State.COMPLETED);
                assertThat(flow.bytesReceived()).isEqualTo(flow.bytes());
                assertThat(flow.timeToFirstByte()).isPositive();
                assertThat(flow.elapsed()).isGreaterThanOrEqualTo(flow.timeToFirstByte())
                        .isLessThan(Duration.ofSeconds(5));
                assertThat(flow.localPort()).isPositive();
            }
        }
        assertThat(Shell.run("ip", "netns", "list")).doesNotContain(prefix);
    }

    @Test
    void aFlowPastItsTimeoutIsAResultWithWhatItDelivered() {
        try (GatewayTopology topology = GatewayTopology.build(false);
             FlowServer server = FlowServer.start(topology.server(), topology.serverEnd().ipv4(), PORT);
             FlowClient client = new FlowClient(topology.client())) {
            // 20 GB cannot cross a veth pair in 300 ms; the next flow still runs.
            List<FlowResult> flows = client.downloads(topology.serverEnd().ipv4(), PORT, List.of(20_000_000_000L, 1000L),
                    1, Duration.ofMillis(300));

            FlowResult timedOut = flows.get(0);
            assertThat(timedOut.state()).isEqualTo(FlowResult.State.TIMED_OUT);
            assertThat(timedOut.bytesReceived()).isPositive().isLessThan(timedOut.bytes());
            assertThat(timedOut.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(timedOut.error()).contains("did not complete within");
            assertThat(flows.get(1).state()).isEqualTo(FlowResult.State.COMPLETED);
        }
    }

    @Test
    void socketsBelongToTheHostsNamespaceNotTheRunners() {
        try (GatewayTopology topology = GatewayTopology.build(false);
             FlowServer server = FlowServer.start(topology.server(), topology.serverEnd().ipv4(), PORT)) {
            // A client on another host (the gateway) reaches it: its socket was opened in the gateway's namespace.
            try (FlowClient gatewayClient = new FlowClient(topology.gateway())) {
                assertThat(gatewayClient.download(topology.serverEnd().ipv4(), PORT, 1000, Duration.ofSeconds(5)).bytes())
                        .isEqualTo(1000);
            }
            // The server's address exists only in the server's namespace: binding it from the client's fails.
            assertThatThrownBy(() -> FlowServer.start(topology.client(), topology.serverEnd().ipv4(), PORT))
                    .hasMessageContaining("ssign");
        }
    }
}
