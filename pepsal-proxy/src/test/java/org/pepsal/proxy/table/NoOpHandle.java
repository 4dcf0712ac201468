package org.pepsal.proxy.table;

import java.util.concurrent.CompletableFuture;

/** A connection handle for entries that only the table's readers look at: nothing to abort, nothing to refresh. */
final class NoOpHandle implements ConnectionHandle {
    static final NoOpHandle INSTANCE = new NoOpHandle();

    private NoOpHandle() {
    }

    @Override
    public void abort(String reason) {
    }

    @Override
    public CompletableFuture<Void> refreshCounters() {
        return CompletableFuture.completedFuture(null);
    }
}
