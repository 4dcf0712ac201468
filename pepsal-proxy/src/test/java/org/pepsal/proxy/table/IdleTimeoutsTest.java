package org.pepsal.proxy.table;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdleTimeoutsTest {
    private static final ConnectionHandle NO_OP = NoOpHandle.INSTANCE;
    private static final IdleTimeouts BOTH = new IdleTimeouts(Duration.ofHours(1), Duration.ofSeconds(30));

    @Test
    void establishedConnectionsAreUnderTheIdleTimeoutHalfClosedOnesUnderTheHalfCloseOne() {
        assertThat(BOTH.applying(ConnectionState.PENDING)).isNull();
        assertThat(BOTH.applying(ConnectionState.CONNECTED))
                .isEqualTo(new IdleTimeouts.Applying(IdleTimeouts.Reason.IDLE, Duration.ofHours(1)));
        assertThat(BOTH.applying(ConnectionState.CLOSING))
                .isEqualTo(new IdleTimeouts.Applying(IdleTimeouts.Reason.HALF_CLOSE, Duration.ofSeconds(30)));
        assertThat(BOTH.applying(ConnectionState.CLOSED)).isNull();
    }

    @Test
    void withoutAHalfCloseTimeoutTheIdleOneAppliesAsInHaproxy() {
        IdleTimeouts idleOnly = new IdleTimeouts(Duration.ofMinutes(5), Duration.ZERO);
        assertThat(idleOnly.applying(ConnectionState.CLOSING))
                .isEqualTo(new IdleTimeouts.Applying(IdleTimeouts.Reason.IDLE, Duration.ofMinutes(5)));
        IdleTimeouts halfCloseOnly = new IdleTimeouts(Duration.ZERO, Duration.ofSeconds(30));
        assertThat(halfCloseOnly.applying(ConnectionState.CONNECTED)).isNull();
        assertThat(IdleTimeouts.OFF.applying(ConnectionState.CLOSING)).isNull();
        assertThat(IdleTimeouts.Reason.HALF_CLOSE.tag()).isEqualTo("half_close");
        assertThatThrownBy(() -> new IdleTimeouts(Duration.ofSeconds(-1), Duration.ZERO))
                .hasMessageContaining("--idle-timeout");
    }

    @Test
    void quietTimeCountsFromTheLatestOfConnectLastDataAndHalfClose() {
        ConnectionTable table = new ConnectionTable(10, 0);
        Instant syn = Instant.now().minusSeconds(100);
        ConnectionEntry entry = table.open(new FlowKey(new InetSocketAddress("10.0.0.1", 40000),
                new InetSocketAddress("192.0.2.7", 80)), NO_OP, syn).entry();
        assertThat(IdleTimeouts.quietSince(entry, IdleTimeouts.Reason.IDLE)).isNull();
        entry.connected(syn.plusSeconds(1));
        assertThat(IdleTimeouts.quietSince(entry, IdleTimeouts.Reason.IDLE)).isEqualTo(syn.plusSeconds(1));
        entry.counters(1, 1, syn.plusSeconds(50));
        assertThat(IdleTimeouts.quietSince(entry, IdleTimeouts.Reason.IDLE)).isEqualTo(syn.plusSeconds(50));
        // A FIN is not data: the half-close starts the half-close timeout's quiet time afresh.
        entry.state(ConnectionState.CLOSING);
        assertThat(IdleTimeouts.quietSince(entry, IdleTimeouts.Reason.HALF_CLOSE)).isEqualTo(entry.closingSince());
        assertThat(IdleTimeouts.quietSince(entry, IdleTimeouts.Reason.IDLE)).isEqualTo(syn.plusSeconds(50));
    }
}
