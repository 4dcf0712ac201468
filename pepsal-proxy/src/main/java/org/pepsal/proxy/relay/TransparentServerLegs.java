package org.pepsal.proxy.relay;

import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;
import org.pepsal.proxy.options.ProxySettings;
import org.pepsal.proxy.socket.LegConfigurer;

/** The proxy's server legs: bound to the client's own address (IP_TRANSPARENT), with the server leg's options. */
final class TransparentServerLegs implements ServerLegs {
    /** setsockopt(SOL_SOCKET, SO_REUSEPORT) (asm-generic/socket.h). */
    private static final IntegerUnixChannelOption REUSE_PORT = new IntegerUnixChannelOption("SO_REUSEPORT", 1, 15);
    private final ProxySettings settings;
    private final LegConfigurer leg;

    TransparentServerLegs(ProxySettings settings, LegConfigurer leg) {
        this.settings = settings;
        this.leg = leg;
    }

    @Override
    public EpollSocketChannel open(SocketProtocolFamily family) {
        return SocketSetup.configured(new EpollSocketChannel(family), channel -> {
            channel.config().setOption(EpollChannelOption.IP_TRANSPARENT, true);
            // Two connections from one client port to two servers need the same local address:port twice.
            channel.config().setReuseAddress(true);
            // A client whose source port is the proxy's own listening port: the listeners hold that port on the
            // wildcard address, which SO_REUSEADDR does not share (bind fails with EADDRINUSE, the connection is
            // reset); SO_REUSEPORT does, as the listeners have it too and belong to this process's user. The leg
            // never listens, so it joins no listener group and takes no connection from them. (Netty's
            // EpollChannelOption.SO_REUSEPORT is ignored on a connecting channel: hence the raw option.)
            channel.config().setOption(REUSE_PORT, 1);
            if (settings.fastOpen()) {
                // Netty's flag, not the kernel's socket option: bytes written (unflushed) before connect() go with
                // sendto(MSG_FASTOPEN), so the SYN carries them when the kernel has a cookie for the server (or
                // tcp_fastopen has 0x4); otherwise the kernel sends a plain SYN and the bytes follow the handshake.
                channel.config().setOption(EpollChannelOption.TCP_FASTOPEN_CONNECT, true);
            }
            leg.applySocket(channel);
        });
    }
}
