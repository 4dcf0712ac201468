package org.pepsal.proxy.relay;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.EventExecutor;
import org.pepsal.proxy.options.ProxySettings;
import org.pepsal.proxy.relay.PepsalProxy.StartupException;
import org.pepsal.proxy.socket.LegConfigurer;
import org.pepsal.proxy.socket.NativeSockets;
import org.pepsal.proxy.table.FlowKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The proxy's transparent listeners: on its address, or on 0.0.0.0 and :: (IPv6 skipped with a warning where the
 * host has none), one per event loop (SO_REUSEPORT), each with IP_TRANSPARENT, Fast Open if asked for and the client
 * leg's inherited options. A port that cannot be had fails the start with what to do about it.
 */
final class Listeners {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final ProxySettings settings;
    private final LegConfigurer clientLeg;

    Listeners(ProxySettings settings, LegConfigurer clientLeg) {
        this.settings = settings;
        this.clientLeg = clientLeg;
    }

    /** Binds every listener from {@code bootstrap}, adding each to {@code bound} as it is, for the caller to close. */
    void bind(ServerBootstrap bootstrap, EventLoopGroup eventLoops, List<Channel> bound) {
        List<InetSocketAddress> addresses = listenAddresses();
        for (InetSocketAddress address : addresses) {
            try {
                ensurePortFree(address);
            } catch (IOException e) {
                if (!(settings.address() == null && address.getAddress() instanceof Inet6Address
                        && isAddressFamilyUnsupported(e))) {
                    throw bindFailure(address, e);
                }
            }
        }
        for (InetSocketAddress address : addresses) {
            boolean ipv6 = address.getAddress() instanceof Inet6Address;
            try {
                for (EventExecutor executor : eventLoops) {
                    // What a loop's listener accepts stays on that loop, unless it holds more than the others.
                    EventLoop loop = (EventLoop) executor;
                    bound.add(bootstrap.clone().group(loop, eventLoops).channelFactory(() -> newListener(ipv6))
                            .bind(address).syncUninterruptibly().channel());
                }
                LOG.info("PEPsal listening on {} (transparent, {} event loops)", FlowKey.format(address),
                        settings.eventLoopThreads());
            } catch (Exception e) { // Netty rethrows the native bind error as it is, checked or not
                if (settings.address() == null && ipv6 && isAddressFamilyUnsupported(e)) {
                    LOG.warn("IPv6 is not available here; listening on IPv4 only");
                    continue;
                }
                throw bindFailure(address, e);
            }
        }
    }

    /**
     * SO_REUSEPORT would let a second proxy share the port silently; a plain bind fails if anyone listens. Done
     * before the proxy binds anything, since the IPv6 probe is dual-stack and would meet our own IPv4 listeners.
     */
    private static void ensurePortFree(InetSocketAddress address) throws IOException {
        try (java.nio.channels.ServerSocketChannel probe = java.nio.channels.ServerSocketChannel.open()) {
            probe.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(address);
        } catch (java.nio.channels.UnsupportedAddressTypeException e) {
            // No IPv6 on this host (a container, say): the IPv6 listener will be skipped with a warning.
            throw new IOException("Address family not supported by protocol", e);
        }
    }

    private List<InetSocketAddress> listenAddresses() {
        if (settings.address() != null) {
            return List.of(new InetSocketAddress(settings.address(), settings.port()));
        }
        try {
            return List.of(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), settings.port()),
                    new InetSocketAddress(InetAddress.getByName("::"), settings.port()));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private EpollServerSocketChannel newListener(boolean ipv6) {
        return SocketSetup.configured(
                new EpollServerSocketChannel(ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET), channel -> {
            try {
                channel.config().setOption(EpollChannelOption.IP_TRANSPARENT, true);
            } catch (RuntimeException e) {
                throw new StartupException("the kernel refused IP_TRANSPARENT (" + RelayHandler.describe(e)
                        + "): the proxy needs CAP_NET_ADMIN; run it as root or grant the capability "
                        + "(setcap cap_net_admin+ep, or AmbientCapabilities=CAP_NET_ADMIN under systemd)");
            }
            if (ipv6) {
                NativeSockets.setIpv6Only(channel.fd().intValue());
            }
            if (settings.fastOpen()) {
                try {
                    channel.config().setOption(EpollChannelOption.TCP_FASTOPEN, 256);
                } catch (RuntimeException e) {
                    LOG.warn("TCP Fast Open refused on the listener ({}); continuing without it",
                            RelayHandler.describe(e));
                }
            }
            clientLeg.applyListener(channel.fd().intValue());
        });
    }

    private static boolean isAddressFamilyUnsupported(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Address family not supported")) {
                return true;
            }
        }
        return false;
    }

    private RuntimeException bindFailure(InetSocketAddress address, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Address already in use")) {
                return new StartupException("port " + address.getPort() + " is already in use on "
                        + address.getAddress().getHostAddress() + " (is another proxy running? choose one with -p)");
            }
            if (t instanceof StartupException startup) {
                return startup;
            }
        }
        return new StartupException("cannot listen on " + address + ": " + RelayHandler.describe(e));
    }
}
