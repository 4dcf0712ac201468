package org.pepsal.proxy.table;

/** Where a split connection is in its life. */
public enum ConnectionState {
    /** Accepted from the client; the connection to the server is being made. */
    PENDING,
    /** Both legs are up and data is relayed. */
    CONNECTED,
    /** One direction has ended (half-closed) or a reset is being carried to the other leg. */
    CLOSING,
    /** Both legs are closed; the entry is about to leave the table. */
    CLOSED
}
