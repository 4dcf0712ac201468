package org.pepsal.proxy.socket;

import java.time.Duration;

/**
 * How a leg notices that its peer is gone: keepalive probes while the connection is quiet, and TCP_USER_TIMEOUT,
 * the longest that sent data may stay unacknowledged (or, with keepalive on, that probes may go unanswered; recent
 * kernels also count a peer's window kept closed) before the kernel resets the connection.
 *
 * @param userTimeout zero leaves the kernel's retransmission limit (net.ipv4.tcp_retries2, about 15 minutes)
 */
public record DeadPeerDetection(KeepAlive keepAlive, Duration userTimeout) {
    /** TCP_USER_TIMEOUT is an unsigned int of milliseconds, which Netty takes as an int. */
    public static final Duration MAX_USER_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

    public DeadPeerDetection {
        if (userTimeout.isNegative() || userTimeout.compareTo(MAX_USER_TIMEOUT) > 0) {
            throw new IllegalArgumentException("--user-timeout must be 0.." + MAX_USER_TIMEOUT.toSeconds()
                    + " s, not " + userTimeout.toSeconds() + " s");
        }
    }

    /**
     * Sets both on a leg's socket, or on a listener, whose accepted sockets inherit them (the kernel copies the
     * listener's keepalive settings and user timeout into each); throws if the kernel refuses one.
     */
    void apply(int fd) {
        if (keepAlive.on()) {
            NativeSockets.setInt(fd, true, NativeSockets.TCP_KEEPIDLE, keepAlive.idleSeconds(), "TCP_KEEPIDLE");
            NativeSockets.setInt(fd, true, NativeSockets.TCP_KEEPINTVL, keepAlive.intervalSeconds(), "TCP_KEEPINTVL");
            NativeSockets.setInt(fd, true, NativeSockets.TCP_KEEPCNT, keepAlive.count(), "TCP_KEEPCNT");
            NativeSockets.setInt(fd, false, NativeSockets.SO_KEEPALIVE, 1, "SO_KEEPALIVE");
        }
        if (!userTimeout.isZero()) {
            // A timeout under 1 ms would be 0, which the kernel takes as "no user timeout".
            NativeSockets.setInt(fd, true, NativeSockets.TCP_USER_TIMEOUT, (int) Math.max(1, userTimeout.toMillis()),
                    "TCP_USER_TIMEOUT");
        }
    }
}
