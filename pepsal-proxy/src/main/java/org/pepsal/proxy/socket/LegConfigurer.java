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

    /** Congestion control and buffers: before connect on the server leg, at accept on the client leg. */
    public void applySocket(EpollSocketChannel channel) {
        if (options.congestionControl() != null) {
            try {
                NativeSockets.setCongestionControl(channel.fd().intValue(), options.congestionControl());
            } catch (NativeSockets.NativeSocketException e) {
                warnOnce("cc", "{} leg: cannot use congestion control {}: {} (check "
                        + "/proc/sys/net/ipv4/tcp_available_congestion_control; non-root needs it in "
                        + "tcp_allowed_congestion_control)", leg, options.congestionControl(), e.getMessage());
            }
        }
        if (options.sendBuffer() > 0) {
            channel.config().setSendBufferSize(options.sendBuffer());
        }
        applyReceiveBuffer(channel.fd().intValue());
    }

    /**
     * The leg's fixed receive buffer, past net.core.rmem_max where the kernel lets the proxy (CAP_NET_ADMIN): the
     * window it can advertise, and its scale, follow from it at the handshake. Also set on the listener, whose
     * accepted sockets inherit it.
     */
    public void applyReceiveBuffer(int fd) {
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

    /** Settings applied once the leg is connected. */
    public void applyConnected(AbstractEpollStreamChannel channel) {
        channel.config().setOption(ChannelOption.TCP_NODELAY, options.noDelay());
        if (options.quickAck()) {
            quickAck(channel);
        }
        try {
            deadPeers.apply(channel);
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
