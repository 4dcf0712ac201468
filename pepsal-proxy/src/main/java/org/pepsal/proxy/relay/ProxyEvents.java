package org.pepsal.proxy.relay;

import java.time.Duration;

/**
 * What the relay tells an observer (the metrics) about connections, beyond the plain counts in
 * {@link ProxyCounters}. Called on event loops: implementations must be quick and must not block.
 */
public interface ProxyEvents {
    ProxyEvents NONE = new ProxyEvents() {
    };

    /** The server leg connected, this long after the client's SYN was accepted. */
    default void connected(Duration connectLatency) {
    }

    /** The server leg could not be connected (refused, unreachable, timed out). */
    default void connectFailed(Throwable cause) {
    }

    /**
     * A split connection ended, cleanly (both FINs carried) or with a reset, having received these payload bytes
     * from each end.
     */
    default void closed(long bytesFromClient, long bytesFromServer, boolean reset) {
    }

    /** An I/O error on a leg ({@code "client"} or {@code "server"}). */
    default void relayError(String leg, Throwable cause) {
    }
}
