package org.pepsal.proxy.table;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionTableTest {
    /** Records what the table asked of it. */
    private static final class RecordingHandle implements ConnectionHandle {
        final List<String> aborts = new ArrayList<>();

        @Override
        public void abort(String reason) {
            aborts.add(reason);
        }

        @Override
        public CompletableFuture<Void> refreshCounters() {
            return CompletableFuture.completedFuture(null);
        }
    }

    private static FlowKey key(int clientPort, String server) {
        return new FlowKey(new InetSocketAddress("10.0.0.1", clientPort), new InetSocketAddress(server, 80));
    }

    @Test
    void theSameClientPortToTwoServersIsTwoEntries() {
        ConnectionTable table = new ConnectionTable(10, 0);
        Instant now = Instant.now();
        assertThat(table.open(key(40000, "10.0.1.1"), new RecordingHandle(), now).entry()).isNotNull();
        assertThat(table.open(key(40000, "10.0.1.2"), new RecordingHandle(), now).entry()).isNotNull();
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void aNewConnectionWithAStaleEntrysFourTupleRetiresTheOldOne() {
        ConnectionTable table = new ConnectionTable(1, 0);
        Instant now = Instant.now();
        RecordingHandle old = new RecordingHandle();
        RecordingHandle fresh = new RecordingHandle();
        ConnectionEntry stale = table.open(key(40000, "10.0.1.1"), old, now).entry();

        // The table is full, yet the new connection takes the stale entry's place rather than being refused.
        ConnectionEntry admitted = table.open(key(40000, "10.0.1.1"), fresh, now).entry();

        assertThat(admitted).isNotNull();
        assertThat(old.aborts).containsExactly(ConnectionTable.RETIRED);
        assertThat(fresh.aborts).isEmpty();
        assertThat(table.size()).isEqualTo(1);
        // The old connection, as it closes, removes itself, not its successor.
        table.remove(stale);
        assertThat(table.entries()).containsExactly(admitted);
        assertThat(table.size()).isEqualTo(1);
        table.remove(admitted);
        assertThat(table.size()).isZero();
    }

    @Test
    void oneSourceOverItsLimitIsRefusedWhileAnotherSourceStillEnters() {
        ConnectionTable table = new ConnectionTable(10, 2);
        Instant now = Instant.now();
        ConnectionEntry first = table.open(key(1, "10.0.1.1"), new RecordingHandle(), now).entry();
        table.open(key(2, "10.0.1.1"), new RecordingHandle(), now);
        assertThat(table.open(key(3, "10.0.1.1"), new RecordingHandle(), now).refusal())
                .isEqualTo(ConnectionTable.Refusal.OVER_SOURCE_LIMIT);
        FlowKey otherHost = new FlowKey(new InetSocketAddress("10.0.0.2", 3), new InetSocketAddress("10.0.1.1", 80));
        assertThat(table.open(otherHost, new RecordingHandle(), now).entry()).isNotNull();
        assertThat(table.size()).isEqualTo(3);
        assertThat(table.fromSource(first.key().client().getAddress())).isEqualTo(2);
        // A connection retiring a stale entry takes that entry's place in its source's count; a removal frees one.
        assertThat(table.open(key(2, "10.0.1.1"), new RecordingHandle(), now).entry()).isNotNull();
        assertThat(table.fromSource(first.key().client().getAddress())).isEqualTo(2);
        table.remove(first);
        assertThat(table.fromSource(first.key().client().getAddress())).isEqualTo(1);
        assertThat(table.open(key(2, "10.0.1.1"), new RecordingHandle(), now).entry()).isNotNull();
        assertThat(table.fromSource(first.key().client().getAddress())).isEqualTo(1);
        assertThat(table.open(key(3, "10.0.1.1"), new RecordingHandle(), now).entry()).isNotNull();
        assertThat(table.size()).isEqualTo(3);
    }

    @Test
    void oneOverTheLimitIsRefusedAndARemovalMakesRoom() {
        ConnectionTable table = new ConnectionTable(2, 0);
        Instant now = Instant.now();
        ConnectionEntry first = table.open(key(1, "10.0.1.1"), new RecordingHandle(), now).entry();
        table.open(key(2, "10.0.1.1"), new RecordingHandle(), now);
        assertThat(table.open(key(3, "10.0.1.1"), new RecordingHandle(), now).refusal())
                .isEqualTo(ConnectionTable.Refusal.OVER_LIMIT);
        table.remove(first);
        assertThat(first.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(table.open(key(3, "10.0.1.1"), new RecordingHandle(), now).entry()).isNotNull();
        assertThat(table.entries()).extracting(e -> e.key().client().getPort()).containsExactly(2, 3);
    }

    @Test
    void aClosedTableRefusesEverything() {
        ConnectionTable table = new ConnectionTable(5, 0);
        table.close();
        assertThat(table.open(key(1, "10.0.1.1"), new RecordingHandle(), Instant.now()).refusal())
                .isEqualTo(ConnectionTable.Refusal.SHUTTING_DOWN);
    }

    @Test
    void collectorAbortsOnlyOldPendingEntries() {
        ConnectionTable table = new ConnectionTable(10, 0);
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        RecordingHandle oldPending = new RecordingHandle();
        RecordingHandle youngPending = new RecordingHandle();
        RecordingHandle oldConnected = new RecordingHandle();
        table.open(key(1, "10.0.1.1"), oldPending, start);
        table.open(key(2, "10.0.1.1"), youngPending, start.plusSeconds(50));
        table.open(key(3, "10.0.1.1"), oldConnected, start).entry().connected(start.plusSeconds(1));

        int collected = table.collectPending(Duration.ofSeconds(30), start.plusSeconds(60));

        assertThat(collected).isEqualTo(1);
        assertThat(oldPending.aborts).containsExactly("pending longer than 30 s");
        assertThat(youngPending.aborts).isEmpty();
        assertThat(oldConnected.aborts).isEmpty();
    }
}
