package org.pepsal.proxy.table;

import org.pepsal.proxy.socket.TcpInfo;

/**
 * One line of the JSON flow log: a split connection after it closed. {@code clientLeg} and {@code serverLeg}
 * are the kernel's TCP_INFO of each leg just before it closed (null for a leg that never connected).
 */
public record FlowRecord(
        long index,
        String client,
        String server,
        String synTime,
        String connectedTime,
        String closeTime,
        long durationMs,
        long bytesFromClient,
        long bytesFromServer,
        String closeReason,
        TcpInfo clientLeg,
        TcpInfo serverLeg) {
}
