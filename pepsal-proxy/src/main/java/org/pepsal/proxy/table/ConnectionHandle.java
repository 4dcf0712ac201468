package org.pepsal.proxy.table;

import java.util.concurrent.CompletableFuture;

/** What the table may ask of the relay that owns a connection. */
public interface ConnectionHandle {
    /** Ends the connection with resets on both legs (the garbage collector, shutdown after the grace period). */
    void abort(String reason);

    /** Updates the entry's byte counts and last activity from the kernel; completes on the connection's event loop. */
    CompletableFuture<Void> refreshCounters();
}
