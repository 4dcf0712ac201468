package org.pepsal.proxy.options;

import org.pepsal.proxy.link.SatelliteLink;
import org.pepsal.proxy.socket.DeadPeerDetection;
import org.pepsal.proxy.socket.LegOptions;
import org.pepsal.proxy.table.IdleTimeouts;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the proxy runs with, validated. The client leg is the accepted connection (at a ground-station
 * gateway: the satellite side), the server leg the one the proxy opens to the real server.
 *
 * @param address       listening address; null listens on every IPv4 and IPv6 address
 * @param satelliteLink the satellite link as the operator stated it, or null: the proxy then only relays
 * @param connectTimeout upstream connect timeout; zero leaves it to the kernel's SYN retries
 * @param connsPerSource most connections from one client address at once; 0 for no limit but maxConnections
 * @param relayBuffer   bytes one direction of a connection may hold in user space before its source pauses
 * @param fastOpenWait  with {@code fastOpen}, how long a new connection waits for the client's first bytes so that
 *                      the server leg's SYN can carry them; zero connects at once (bytes already there still go)
 * @param deadPeers     keepalive and TCP_USER_TIMEOUT, on both legs: the client leg's from its accept (inherited from
 *                      the listener), the server leg's once connected
 * @param idleTimeouts  how long an established or half-closed connection may pass no data before it is reset
 * @param relayMemory   bytes all connections together may hold in user space before reading pauses everywhere
 */
public record ProxySettings(
        InetAddress address,
        int port,
        int maxConnections,
        Duration gcInterval,
        Duration pendingLifetime,
        Path tableLog,
        Duration tableLogInterval,
        Path flowLog,
        boolean fastOpen,
        int eventLoopThreads,
        boolean splice,
        LegOptions clientLeg,
        LegOptions serverLeg,
        SatelliteLink satelliteLink,
        Duration connectTimeout,
        Duration drainTimeout,
        int relayBuffer,
        int connsPerSource,
        Duration fastOpenWait,
        DeadPeerDetection deadPeers,
        IdleTimeouts idleTimeouts,
        long relayMemory) {

    /** Netty takes the connect timeout as an int of milliseconds: about 24.8 days at most. */
    public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);
    /** A longer wait for the client's first bytes would cost a server-speaks-first protocol more than a round trip. */
    public static final Duration MAX_FAST_OPEN_WAIT = Duration.ofSeconds(1);

    public ProxySettings {
        require(port > 0 && port < 65536, "--port must be 1..65535, not " + port);
        require(maxConnections > 0, "--conns (maximum connections) must be >= 1, not " + maxConnections);
        require(!gcInterval.isNegative() && !gcInterval.isZero(), "--gc-interval must be > 0");
        require(!pendingLifetime.isNegative() && !pendingLifetime.isZero(), "--pending-lifetime must be > 0");
        // The table log is scheduled in whole milliseconds: less would be a period of 0.
        require(tableLogInterval.toNanos() >= 1_000_000, "--log-interval must be at least 0.001 s, not "
                + tableLogInterval.toNanos() / 1e9 + " s");
        require(eventLoopThreads > 0, "--threads must be >= 1, not " + eventLoopThreads);
        require(!connectTimeout.isNegative() && connectTimeout.compareTo(MAX_CONNECT_TIMEOUT) <= 0,
                "--connect-timeout must be 0.." + MAX_CONNECT_TIMEOUT.toSeconds() + " s, not "
                        + connectTimeout.toSeconds() + " s");
        require(!drainTimeout.isNegative(), "--drain-timeout must be >= 0");
        require(relayBuffer >= 16 * 1024, "--relay-buffer must be >= 16384 bytes, not " + relayBuffer);
        require(relayMemory >= relayBuffer, "--relay-memory must be >= --relay-buffer (" + relayBuffer
                + " bytes), not " + relayMemory);
        require(connsPerSource >= 0, "--conns-per-source must be >= 0 (0: no limit), not " + connsPerSource);
        require(!fastOpenWait.isNegative() && fastOpenWait.compareTo(MAX_FAST_OPEN_WAIT) <= 0,
                "--fastopen-wait must be 0.." + MAX_FAST_OPEN_WAIT.toSeconds() + " s, not "
                        + fastOpenWait.toNanos() / 1e9 + " s");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
