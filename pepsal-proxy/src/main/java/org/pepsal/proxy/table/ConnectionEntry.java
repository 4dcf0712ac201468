package org.pepsal.proxy.table;

import java.time.Instant;

/**
 * One row of the connection table. Written by the connection's event loop, read by the table log and the
 * garbage collector, hence the volatile fields.
 */
public final class ConnectionEntry {
    private final long index;
    private final FlowKey key;
    private final Instant synTime;
    private final ConnectionHandle handle;
    private volatile ConnectionState state = ConnectionState.PENDING;
    private volatile Instant connectedTime;
    private volatile Instant lastActivity;
    private volatile Instant closingSince;
    private volatile long bytesFromClient;
    private volatile long bytesFromServer;

    ConnectionEntry(long index, FlowKey key, Instant synTime, ConnectionHandle handle) {
        this.index = index;
        this.key = key;
        this.synTime = synTime;
        this.handle = handle;
    }

    public long index() {
        return index;
    }

    public FlowKey key() {
        return key;
    }

    public Instant synTime() {
        return synTime;
    }

    public ConnectionHandle handle() {
        return handle;
    }

    public ConnectionState state() {
        return state;
    }

    public void state(ConnectionState state) {
        if (state == ConnectionState.CLOSING && closingSince == null) {
            closingSince = Instant.now();
        }
        this.state = state;
    }

    /** When one end first ended its direction (the half-close), or null if neither has. */
    public Instant closingSince() {
        return closingSince;
    }

    public Instant connectedTime() {
        return connectedTime;
    }

    public void connected(Instant when) {
        connectedTime = when;
        state = ConnectionState.CONNECTED;
    }

    /** The last time either leg received or sent data, or null if none has yet. */
    public Instant lastActivity() {
        return lastActivity;
    }

    public long bytesFromClient() {
        return bytesFromClient;
    }

    public long bytesFromServer() {
        return bytesFromServer;
    }

    /** Records the kernel's counts of payload bytes received on each leg. */
    public void counters(long fromClient, long fromServer, Instant lastActivity) {
        this.bytesFromClient = fromClient;
        this.bytesFromServer = fromServer;
        this.lastActivity = lastActivity;
    }
}
