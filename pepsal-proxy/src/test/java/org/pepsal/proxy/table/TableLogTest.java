package org.pepsal.proxy.table;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

class TableLogTest {
    private static final ConnectionHandle NO_OP = NoOpHandle.INSTANCE;

    /** The log's times are local: the expected texts are in UTC. */
    private static void inUtc(Runnable test) {
        TimeZone saved = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(ZoneId.of("UTC")));
        try {
            test.run();
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void rendersLikeTheOriginalLogger() {
        inUtc(() -> {
            ConnectionTable table = new ConnectionTable(10, 0);
            Instant syn = Instant.parse("2026-11-29T02:03:04Z");
            ConnectionEntry connected = table.open(new FlowKey(new InetSocketAddress("10.0.0.1", 40000),
                    new InetSocketAddress("192.0.2.7", 80)), NO_OP, syn).entry();
            connected.connected(syn.plusSeconds(1));
            connected.counters(100, 2000, syn.plusSeconds(5));
            table.open(new FlowKey(new InetSocketAddress("fd00::1", 40001), new InetSocketAddress("fd00::2", 443)),
                    NO_OP, syn.plusSeconds(9));

            String text = TableLog.render(table.entries(), Instant.parse("2026-11-29T12:00:00Z"), IdleTimeouts.OFF,
                    reason -> 0);

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
                     Timeouts: idle off (0 reset), half-close off (0 reset)
                    """);
            assertThat(TableLog.render(List.of(), Instant.parse("2026-11-02T12:00:00Z"), IdleTimeouts.OFF, r -> 0))
                    .isEqualTo("=== [Mon Nov  2 12:00:00 2026] ===\n No connections\n"
                            + " Timeouts: idle off (0 reset), half-close off (0 reset)\n");
        });
    }

    /** Each connection says when its timeout resets it if nothing moves; the end says how many have been. */
    @Test
    void showsWhenEachTimeoutExpiresAndHowManyConnectionsTheyReset() {
        inUtc(TableLogTest::rendersTimeouts);
    }

    private static void rendersTimeouts() {
        ConnectionTable table = new ConnectionTable(10, 0);
        Instant syn = Instant.parse("2026-11-29T02:03:04Z");
        ConnectionEntry quiet = table.open(new FlowKey(new InetSocketAddress("10.0.0.1", 40000),
                new InetSocketAddress("192.0.2.7", 80)), NO_OP, syn).entry();
        quiet.connected(syn.plusSeconds(1));
        quiet.counters(100, 2000, syn.plusSeconds(5));
        ConnectionEntry halfClosed = table.open(new FlowKey(new InetSocketAddress("10.0.0.1", 40001),
                new InetSocketAddress("192.0.2.7", 80)), NO_OP, syn).entry();
        halfClosed.connected(syn.plusSeconds(1));
        halfClosed.state(ConnectionState.CLOSING);
        IdleTimeouts timeouts = new IdleTimeouts(Duration.ofHours(1), Duration.ofMillis(1500));

        String text = TableLog.render(table.entries(), Instant.parse("2026-11-29T02:10:00Z"), timeouts,
                reason -> reason == IdleTimeouts.Reason.IDLE ? 4 : 2);

        DateTimeFormatter ctime = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT)
                .withZone(ZoneId.of("UTC"));
        assertThat(text).contains("    Idle timeout: " + ctime.format(syn.plusSeconds(5 + 3600)) + " unless data moves")
                .contains("    Half-closed: " + ctime.format(halfClosed.closingSince()))
                .contains("    Half-close timeout: " + ctime.format(halfClosed.closingSince().plusMillis(1500))
                        + " unless data moves")
                .endsWith(" Timeouts: idle 3600 s (4 reset), half-close 1.5 s (2 reset)\n");
    }
}
