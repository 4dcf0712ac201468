package org.pepsal.proxy.link;

import java.time.Duration;

/**
 * The satellite link as the operator states it: its rate each way, its round-trip time, and which leg of the proxy
 * crosses it. From it follow the windows a connection needs to fill the link from its first round trip (the
 * bandwidth-delay product of each direction) and the rate the proxy's satellite-side senders may pace at together.
 * The two directions differ on most satellite links (a terminal sends over a return link a fraction of the forward
 * link it receives over), and a window sized from the wrong one starves the other.
 *
 * @param rateBitsPerSecond        the bottleneck rate in the direction the proxy sends over the satellite
 * @param receiveRateBitsPerSecond the bottleneck rate in the direction the proxy receives over the satellite
 * @param rtt                      the path's round-trip time over the satellite (600 ms for GEO)
 */
public record SatelliteLink(long rateBitsPerSecond, long receiveRateBitsPerSecond, Duration rtt, LinkSide side) {
    /** GEO: 2 × 35 786 km up and down, twice, plus processing. */
    public static final Duration GEO_RTT = Duration.ofMillis(600);
    /** The segment size windows are counted in: a 1500-byte Ethernet MTU less IPv4 and TCP with timestamps. */
    public static final int MSS = 1448;
    /**
     * The largest initial window set on a route: about 6 MB, so an unreasonable rate × RTT cannot make the first
     * flight of a connection that finds the link busy a burst the queue cannot hold; pacing spreads what is sent.
     */
    public static final int MAX_INITIAL_WINDOW_SEGMENTS = 4096;
    /** The share of the link's rate the pacers hand out together, so the bottleneck queue drains. */
    public static final double PACING_HEADROOM = 0.98;
    /**
     * Payload per byte on the link: the kernel paces a socket's payload (SO_MAX_PACING_RATE caps payload bytes per
     * second), while the link carries whole packets, 1448 bytes of payload in 1500 with IPv4, TCP and timestamps.
     * A cap set at the link's rate itself puts 3.6 % more on the link than it carries, a queue that only grows.
     */
    public static final double PAYLOAD_PER_LINK_BYTE = MSS / (MSS + 52.0);
    /** Receive buffer per satellite-side socket at a terminal, in BDPs: a window of one BDP with room for loss recovery. */
    public static final int RECEIVE_BUFFER_BDPS = 3;

    /** A link of one rate both ways. */
    public SatelliteLink(long rateBitsPerSecond, Duration rtt, LinkSide side) {
        this(rateBitsPerSecond, rateBitsPerSecond, rtt, side);
    }

    public SatelliteLink {
        if (rateBitsPerSecond <= 0) {
            throw new IllegalArgumentException("the satellite link's rate must be positive, not " + rateBitsPerSecond);
        }
        if (receiveRateBitsPerSecond <= 0) {
            throw new IllegalArgumentException("the satellite link's receive rate must be positive, not "
                    + receiveRateBitsPerSecond);
        }
        if (rtt == null || rtt.isNegative() || rtt.isZero()) {
            throw new IllegalArgumentException("the satellite link's round-trip time must be positive, not " + rtt);
        }
        if (side == null) {
            throw new IllegalArgumentException("say which leg crosses the satellite (client or server)");
        }
    }

    /** Bytes in flight that fill the link for one round trip in the direction the proxy sends. */
    public long bdpBytes() {
        return bdp(rateBitsPerSecond, rtt);
    }

    /** Bytes in flight that fill the link for one round trip in the direction the proxy receives. */
    public long receiveBdpBytes() {
        return bdp(receiveRateBitsPerSecond, rtt);
    }

    /** The initial congestion window for routes over the satellite: the sending BDP in segments, capped. */
    public int initialWindowSegments() {
        return initialWindowSegments(rateBitsPerSecond, rtt);
    }

    /** The initial receive window for routes over the satellite: the receiving BDP in segments, capped. */
    public int initialReceiveWindowSegments() {
        return initialWindowSegments(receiveRateBitsPerSecond, rtt);
    }

    /** The same for a rate and RTT alone, as {@code rules install} needs it (the routes have no side). */
    public static int initialWindowSegments(long rateBitsPerSecond, Duration rtt) {
        long segments = (bdp(rateBitsPerSecond, rtt) + MSS - 1) / MSS;
        return (int) Math.max(10, Math.min(MAX_INITIAL_WINDOW_SEGMENTS, segments));
    }

    private static long bdp(long rateBitsPerSecond, Duration rtt) {
        return Math.round(rateBitsPerSecond / 8.0 * rtt.toNanos() / 1e9);
    }

    /** Payload bytes per second all satellite-side senders may pace at together: 98 % of the link, in packets. */
    public double pacingCapacityBytesPerSecond() {
        return PACING_HEADROOM * PAYLOAD_PER_LINK_BYTE * rateBitsPerSecond / 8.0;
    }

    /** The receive buffer of a satellite-side socket that receives (a terminal's): a few receiving BDPs, within int. */
    public int receiveBufferBytes() {
        return (int) Math.min(Integer.MAX_VALUE / 2, RECEIVE_BUFFER_BDPS * receiveBdpBytes());
    }

    @Override
    public String toString() {
        return String.format("sending %s bit/s, receiving %s bit/s, RTT %d ms, satellite on the %s leg (BDP %d B "
                        + "sending, %d B receiving; initial windows %d segments sending, %d receiving)",
                rateBitsPerSecond, receiveRateBitsPerSecond, rtt.toMillis(), side.word(), bdpBytes(),
                receiveBdpBytes(), initialWindowSegments(), initialReceiveWindowSegments());
    }
}
