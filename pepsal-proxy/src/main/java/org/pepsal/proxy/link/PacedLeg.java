package org.pepsal.proxy.link;

import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import org.pepsal.proxy.socket.TcpInfo;

/**
 * One connection's satellite-side socket as the {@link SatellitePacer} sees it: what it last measured and the pacing
 * cap it last set. Touched only on the socket's event loop, apart from {@link #active}, which the pacer reads.
 */
public final class PacedLeg {
    /** Headroom on an app-limited leg's measured rate, so it can speed up before it counts as backlogged. */
    static final double DEMAND_HEADROOM = 1.5;

    final AbstractEpollStreamChannel channel;
    private long lastWritten = -1;
    long appliedRate = -1;
    volatile boolean active;

    PacedLeg(AbstractEpollStreamChannel channel) {
        this.channel = channel;
    }

    /**
     * The leg's demand over the last period, from its TCP_INFO and what the relay still holds for it: backlogged
     * when data waits (in the relay or unsent in the socket); its sending rate with headroom when it sent less than it
     * could; the floor when all it sent waits for acks and nothing new came; idle (NaN) when it has nothing at all.
     */
    double demand(TcpInfo info, long relayPending, double periodSeconds, double floor) {
        long written = info.bytesSent() >= 0 && info.bytesRetrans() >= 0
                ? info.bytesSent() - info.bytesRetrans() + Math.max(0, info.notSentBytes())
                : info.bytesAcked() + Math.max(0, info.notSentBytes());
        long delta = lastWritten < 0 ? 0 : written - lastWritten;
        lastWritten = written;
        if (relayPending > 0 || info.notSentBytes() > 0) {
            return PacingAllocator.BACKLOGGED;
        }
        if (delta > 0) {
            return Math.max(floor, delta / periodSeconds * DEMAND_HEADROOM);
        }
        // Everything it had is in flight and nothing new came: it waits for acks (a control message, a timeout).
        // The floor lets it retransmit; new data or a queue makes it backlogged again at the next measurement.
        return info.unacked() > 0 ? floor : Double.NaN;
    }

    /** Bytes the relay has queued for this socket and not yet written to it. */
    long relayPending() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
}
