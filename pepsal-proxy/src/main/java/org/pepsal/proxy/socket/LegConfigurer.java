package org.pepsal.proxy.socket;

import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies a leg's {@link LegOptions} and the proxy's {@link DeadPeerDetection} to its socket; a refused option is
 * warned about once, not fatal.
 */
public final class LegConfigurer {
    private static final Logger LOG = LoggerFactory.getLogger(LegConfigurer.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private final String leg;
    private final LegOptions options;
    private final DeadPeerDetection deadPeers;

    public LegConfigurer(String leg, LegOptions options, DeadPeerDetection deadPeers) {
        this.leg = leg;
        this.options = options;
        this.deadPeers = deadPeers;
        if (options.fixedBuffers()) {
            LOG.warn("{} leg: fixed socket buffers ({} send, {} receive bytes) turn off the kernel's autotuning "
                    + "for that direction; leave them at 0 unless you know the BDP", leg,
                    options.sendBuffer(), options.receiveBuffer());
        }
    }

    public LegOptions options() {
        return options;
    }

    /** Congestion control and buffers of a server leg, before its connect. */
    public void applySocket(EpollSocketChannel channel) {
        int fd = channel.fd().intValue();
        applyCongestionControl(fd);
        if (options.sendBuffer() > 0) {
            channel.config().setSendBufferSize(options.sendBuffer());
        }
        applyReceiveBuffer(fd);
    }

    /**
     * What a client leg's socket inherits from the listener that accepts it, set once there rather than on every
     * accepted socket: congestion control, buffers (the window scale is fixed at the handshake, so the receive
     * buffer must be in place before it), keepalive and TCP_USER_TIMEOUT.
     */
    public void applyListener(int fd) {
        applyCongestionControl(fd);
        if (options.sendBuffer() > 0) {
            try {
                NativeSockets.setInt(fd, false, NativeSockets.SO_SNDBUF, options.sendBuffer(), "SO_SNDBUF");
            } catch (NativeSockets.NativeSocketException e) {
                warnOnce("sndbuf", "{} leg: send buffer of {} B refused: {}", leg, options.sendBuffer(), e.getMessage());
            }
        }
        applyReceiveBuffer(fd);
        applyDeadPeers(fd);
    }

    /** A client leg just accepted: only what a socket does not inherit (see {@link #applyListener}). */
    public void applyAccepted(AbstractEpollStreamChannel channel) {
        applyPerSocket(channel);
    }

    /** A server leg just connected: its per-socket settings; keepalive and TCP_USER_TIMEOUT follow later. */
    public void applyConnected(AbstractEpollStreamChannel channel) {
        applyPerSocket(channel);
    }

    /** A server leg's keepalive and TCP_USER_TIMEOUT, which it cannot inherit from a listener. */
    public void applyDeadPeers(AbstractEpollStreamChannel channel) {
        applyDeadPeers(channel.fd().intValue());
    }

    private void applyPerSocket(AbstractEpollStreamChannel channel) {
        // Netty sets TCP_NODELAY on every socket channel it makes (EpollSocketChannelConfig), accepted or not; only
        // turning it off is left to do.
        if (!options.noDelay()) {
            channel.config().setOption(ChannelOption.TCP_NODELAY, false);
        }
        if (options.quickAck()) {
            quickAck(channel);
        }
    }

    private void applyCongestionControl(int fd) {
        if (options.congestionControl() != null) {
            try {
                NativeSockets.setCongestionControl(fd, options.congestionControl());
            } catch (NativeSockets.NativeSocketException e) {
                warnOnce("cc", "{} leg: cannot use congestion control {}: {} (check "
                        + "/proc/sys/net/ipv4/tcp_available_congestion_control; non-root needs it in "
                        + "tcp_allowed_congestion_control)", leg, options.congestionControl(), e.getMessage());
            }
        }
    }

    /**
     * The leg's fixed receive buffer, past net.core.rmem_max where the kernel lets the proxy (CAP_NET_ADMIN): the
     * window it can advertise, and its scale, follow from it at the handshake.
     */
    private void applyReceiveBuffer(int fd) {
        if (options.receiveBuffer() <= 0) {
            return;
        }
        try {
            int granted = NativeSockets.forceReceiveBuffer(fd, options.receiveBuffer());
            // The kernel reports twice what it was asked for (half is its bookkeeping); less means it capped it.
            if (granted < options.receiveBuffer()) {
                warnOnce("rcvbuf", "{} leg: asked for a {} B receive buffer, the kernel gave {} B (net.core.rmem_max; "
                        + "SO_RCVBUFFORCE needs CAP_NET_ADMIN)", leg, options.receiveBuffer(), granted / 2);
            }
        } catch (NativeSockets.NativeSocketException e) {
            warnOnce("rcvbuf", "{} leg: receive buffer of {} B refused: {}", leg, options.receiveBuffer(), e.getMessage());
        }
    }

    private void applyDeadPeers(int fd) {
        try {
            deadPeers.apply(fd);
        } catch (RuntimeException e) {
            warnOnce("deadpeers", "{} leg: keepalive {} or TCP_USER_TIMEOUT {} ms refused: {}", leg,
                    deadPeers.keepAlive(), deadPeers.userTimeout().toMillis(), e.getMessage());
        }
    }

    /** Linux clears TCP_QUICKACK after it acknowledges, so the relay renews it after each read. */
    public void renewQuickAck(AbstractEpollStreamChannel channel) {
        if (options.quickAck()) {
            quickAck(channel);
        }
    }

    private void quickAck(AbstractEpollStreamChannel channel) {
        try {
            channel.config().setOption(EpollChannelOption.TCP_QUICKACK, true);
        } catch (RuntimeException e) {
            warnOnce("quickack", "{} leg: TCP_QUICKACK refused: {}", leg, e.getMessage());
        }
    }

    private void warnOnce(String key, String format, Object... args) {
        if (WARNED.add(leg + "/" + key)) {
            LOG.warn(format, args);
        }
    }
}
