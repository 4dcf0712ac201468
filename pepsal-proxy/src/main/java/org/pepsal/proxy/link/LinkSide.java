package org.pepsal.proxy.link;

import java.util.Locale;

/**
 * Which of the proxy's legs crosses the satellite. The proxy's client leg is the connection it accepts, its server
 * leg the one it opens: at a ground-station gateway the clients are behind the satellite ({@link #CLIENT}); at a
 * terminal, in front of the clients' LAN, the servers are ({@link #SERVER}).
 */
public enum LinkSide {
    CLIENT, SERVER;

    public static LinkSide parse(String text) {
        for (LinkSide side : values()) {
            if (side.word().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return side;
            }
        }
        throw new IllegalArgumentException("expected client (the accepted connection crosses the satellite, as at "
                + "a gateway) or server (the connection to the server does, as at a terminal), not '" + text + "'");
    }

    /** The option spelling: {@code client} or {@code server}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
