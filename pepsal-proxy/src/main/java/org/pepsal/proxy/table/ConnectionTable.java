package org.pepsal.proxy.table;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every split connection the proxy holds, keyed by its 4-tuple, with a hard limit on their number and one on the
 * number from each client address (so one host opening connections to a black hole cannot fill the table).
 */
public final class ConnectionTable {
    private final int maxConnections;
    private final int maxPerSource;
    private final ConcurrentHashMap<FlowKey, ConnectionEntry> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetAddress, Integer> perSource = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong nextIndex = new AtomicLong();
    private volatile boolean closed;

    /** A table of at most {@code maxConnections}, at most {@code maxPerSource} per client address (0: no such limit). */
    public ConnectionTable(int maxConnections, int maxPerSource) {
        if (maxConnections < 1 || maxPerSource < 0) {
            throw new IllegalArgumentException("maximum connections must be >= 1 and per source >= 0");
        }
        this.maxConnections = maxConnections;
        this.maxPerSource = maxPerSource;
    }

    /** Why a connection could not enter the table. */
    public enum Refusal { OVER_LIMIT, OVER_SOURCE_LIMIT, SHUTTING_DOWN }

    /** The outcome of {@link #open}: an entry, or the reason there is none. */
    public record Admission(ConnectionEntry entry, Refusal refusal) {
    }

    /** Why an entry with the same 4-tuple as a newly accepted connection is reset. */
    public static final String RETIRED = "retired: a new connection with the same addresses and ports was accepted";

    /**
     * Adds a PENDING entry unless the table is closed or full. An entry already holding the 4-tuple is stale:
     * the kernel accepts a connection only when no socket of its own holds those addresses, so the old client
     * leg is gone even if its event loop has not noticed yet. That entry is aborted and the new one takes its
     * place (and its place in the per-source count: same 4-tuple, same source).
     */
    public Admission open(FlowKey key, ConnectionHandle handle, Instant synTime) {
        if (closed) {
            return new Admission(null, Refusal.SHUTTING_DOWN);
        }
        ConnectionEntry entry = new ConnectionEntry(nextIndex.incrementAndGet(), key, synTime, handle);
        InetAddress source = key.client().getAddress();
        while (true) {
            ConnectionEntry stale = entries.get(key);
            if (stale != null) {
                if (entries.replace(key, stale, entry)) {
                    stale.handle().abort(RETIRED);
                    return new Admission(entry, null);
                }
                continue;
            }
            if (size.incrementAndGet() > maxConnections) {
                size.decrementAndGet();
                return new Admission(null, Refusal.OVER_LIMIT);
            }
            if (!takeSourcePlace(source)) {
                size.decrementAndGet();
                return new Admission(null, Refusal.OVER_SOURCE_LIMIT);
            }
            if (entries.putIfAbsent(key, entry) == null) {
                return new Admission(entry, null);
            }
            releaseSourcePlace(source);
            size.decrementAndGet();
        }
    }

    /** Counts one more connection from {@code source} unless it already has {@link #maxPerSource()}. */
    private boolean takeSourcePlace(InetAddress source) {
        boolean[] taken = {false};
        perSource.compute(source, (address, count) -> {
            int current = count == null ? 0 : count;
            if (maxPerSource > 0 && current >= maxPerSource) {
                return count;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    private void releaseSourcePlace(InetAddress source) {
        perSource.computeIfPresent(source, (address, count) -> count > 1 ? count - 1 : null);
    }

    /** From now on every new connection is refused (the proxy is draining). */
    public void close() {
        closed = true;
    }

    /** Takes a closed connection out of the table. */
    public void remove(ConnectionEntry entry) {
        entry.state(ConnectionState.CLOSED);
        if (entries.remove(entry.key(), entry)) {
            releaseSourcePlace(entry.key().client().getAddress());
            size.decrementAndGet();
        }
    }

    public int size() {
        return size.get();
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** The limit per client address; 0 when there is none but {@link #maxConnections()}. */
    public int maxPerSource() {
        return maxPerSource;
    }

    /** How many connections from {@code source} are in the table. */
    public int fromSource(InetAddress source) {
        return perSource.getOrDefault(source, 0);
    }

    /** A snapshot, in the order the connections arrived. */
    public List<ConnectionEntry> entries() {
        return entries.values().stream().sorted(Comparator.comparingLong(ConnectionEntry::index)).toList();
    }

    /**
     * The garbage collector: aborts PENDING entries whose SYN is older than {@code lifetime} (connections to
     * servers that never answered). Returns how many it collected.
     */
    public int collectPending(Duration lifetime, Instant now) {
        int collected = 0;
        for (ConnectionEntry entry : entries.values()) {
            if (entry.state() == ConnectionState.PENDING && entry.synTime().plus(lifetime).isBefore(now)) {
                entry.handle().abort("pending longer than " + lifetime.toSeconds() + " s");
                collected++;
            }
        }
        return collected;
    }
}
