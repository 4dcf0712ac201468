package org.pepsal.proxy.table;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class TableLogTest {
    private static final ConnectionHandle NO_OP = new ConnectionHandle() {
        @Override
        public void abort(String reason) {
        }

        @Override
        public CompletableFuture<Void> refreshCounters() {
            return CompletableFuture.completedFuture(null);
        }
    };

    @Test
    void rendersLikeTheOriginalLogger() {
        TimeZone saved = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(ZoneId.of("UTC")));
        try {
            ConnectionTable table = new ConnectionTable(10, 0);
            Instant syn = Instant.parse("2026-11-29T02:03:04Z");
            ConnectionEntry connected = table.open(new FlowKey(new InetSocketAddress("10.0.0.1", 40000),
                    new InetSocketAddress("192.0.2.7", 80)), NO_OP, syn).entry();
            connected.connected(syn.plusSeconds(1));
            connected.counters(100, 2000, syn.plusSeconds(5));
            table.open(new FlowKey(new InetSocketAddress("fd00::1", 40001), new InetSocketAddress("fd00::2", 443)),
                    NO_OP, syn.plusSeconds(9));

            String text = TableLog.render(table.entries(), Instant.parse("2026-11-29T12:00:00Z"));

            assertThat(text).isEqualTo("""
                    === [Sun Nov 29 12:00:00 2026] ===
                    [1] Proxy 10.0.0.1:40000 <-> 192.0.2.7:80
                        Status: CONNECTED
                        SYN received: Sun Nov 29 02:03:04 2026
                        Last Rx/Tx activity: Sun Nov 29 02:03:09 2026
                        Bytes: 100 from client, 2000 from server
                    [2] Proxy [fd00:0:0:0:0:0:0:1]:40001 <-> [fd00:0:0:0:0:0:0:2]:443
                        Status: PENDING
                        SYN received: Sun Nov 29 02:03:13 2026
                        Bytes: 0 from client, 0 from server
                    """);
            assertThat(TableLog.render(List.of(), Instant.parse("2026-11-02T12:00:00Z")))
                    .isEqualTo("=== [Mon Nov  2 12:00:00 2026] ===\n No connections\n");
        } finally {
            TimeZone.setDefault(saved);
        }
    }
}
