package org.pepsal.proxy.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import org.pepsal.proxy.socket.NativeSockets;
import org.pepsal.proxy.socket.TcpInfo;

/** What the relay asks the kernel about a leg's socket, and how it resets one; each is null or nothing once it is gone. */
final class LegSockets {
    /** {@code tcpi_state} of a socket whose SYN has not been answered yet (include/net/tcp_states.h). */
    private static final int TCP_SYN_SENT = 2;

    private LegSockets() {
    }

    /** The leg's TCP_INFO without its congestion control; null once the socket is gone. */
    static TcpInfo tcpInfo(EpollSocketChannel channel) {
        return read(channel, false);
    }

    /** The leg's TCP_INFO with its congestion control (one more call), for the flow log; null once it is gone. */
    static TcpInfo tcpInfoWithCongestionControl(EpollSocketChannel channel) {
        return read(channel, true);
    }

    private static TcpInfo read(EpollSocketChannel channel, boolean withCongestionControl) {
        if (channel == null || !channel.isOpen()) {
            return null;
        }
        try {
            int fd = channel.fd().intValue();
            return withCongestionControl ? TcpInfo.read(fd) : NativeSockets.tcpInfo(fd);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether the leg's SYN is still unanswered. */
    static boolean synSent(TcpInfo info) {
        return info != null && info.state() == TCP_SYN_SENT;
    }

    /** Bytes received on the leg that nothing has read yet; 0 once it is gone. */
    static int unread(AbstractEpollStreamChannel channel) {
        try {
            return NativeSockets.unreadBytes(channel.fd().intValue());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The payload the leg received: the kernel counts a received FIN as one byte, which the relay did not carry. */
    static long payloadReceived(TcpInfo info, boolean finReceived) {
        if (info == null) {
            return 0;
        }
        return Math.max(0, info.bytesReceived() - (finReceived ? 1 : 0));
    }

    /** Milliseconds since the leg last received or sent data (since it was established, if it never did). */
    static long quietMs(TcpInfo info) {
        return info == null ? Long.MAX_VALUE : Math.min(info.lastDataRecvMs(), info.lastDataSentMs());
    }

    /**
     * Resets a leg, unless its peer reset it already: the kernel then holds it closed (tcp_reset), and a close
     * sends nothing either way, so the SO_LINGER call would be wasted.
     */
    static void reset(Channel channel, boolean peerReset) {
        if (peerReset) {
            channel.close();
        } else {
            reset(channel);
        }
    }

    /** Closes a channel with SO_LINGER 0, which makes the kernel send a reset instead of a FIN. */
    static void reset(Channel channel) {
        if (channel.isOpen()) {
            try {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException ignored) {
                // The socket is already gone; closing is all that is left.
            }
        }
        channel.close();
    }
}
