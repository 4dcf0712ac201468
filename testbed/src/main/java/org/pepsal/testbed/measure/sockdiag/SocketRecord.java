package org.pepsal.testbed.measure.sockdiag;

import org.pepsal.proxy.socket.TcpInfo;

import java.net.InetSocketAddress;

/**
 * One TCP socket as sock_diag reported it at one moment.
 *
 * @param nanoTime when it was read ({@link System#nanoTime()})
 * @param host     the role of the host (namespace) it lives in
 * @param info     its TCP_INFO, null when the kernel gave none
 */
public record SocketRecord(long nanoTime, String host, InetSocketAddress local, InetSocketAddress remote, int state,
                           String congestionControl, TcpInfo info) {
    /** Whether the socket is one end of the connection between these two endpoints. */
    public boolean joins(InetSocketAddress a, InetSocketAddress b) {
        return local.equals(a) && remote.equals(b) || local.equals(b) && remote.equals(a);
    }
}
