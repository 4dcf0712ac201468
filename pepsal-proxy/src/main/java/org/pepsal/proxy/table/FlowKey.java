package org.pepsal.proxy.table;

import java.net.InetSocketAddress;

/**
 * A split connection's identity: the full 4-tuple. (The original keyed on the client's address and port only,
 * and cross-wired two connections from one source port to different servers.)
 */
public record FlowKey(InetSocketAddress client, InetSocketAddress server) {
    @Override
    public String toString() {
        return format(client) + " <-> " + format(server);
    }

    public static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
