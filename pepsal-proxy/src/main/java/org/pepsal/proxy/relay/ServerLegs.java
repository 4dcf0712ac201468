package org.pepsal.proxy.relay;

import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;

/** Opens the socket of a new server leg, configured but not yet registered or connected. */
@FunctionalInterface
interface ServerLegs {
    /** Throws when no socket can be had (EMFILE) or an option is refused; no descriptor is then left open. */
    EpollSocketChannel open(SocketProtocolFamily family);
}
