package org.pepsal.proxy.relay;

/** The two directions of a split connection. */
enum Direction {
    CLIENT_TO_SERVER("client"),
    SERVER_TO_CLIENT("server");

    private final String sourceLeg;

    Direction(String sourceLeg) {
        this.sourceLeg = sourceLeg;
    }

    /** The leg data of this direction arrives on. */
    String sourceLeg() {
        return sourceLeg;
    }
}
