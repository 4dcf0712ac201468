package org.pepsal.testbed.traffic;

import java.time.Duration;

/**
 * One short download: its size, how it ended, what arrived, and its times from the start of the connect: to the
 * first byte of the response (handshake, request and the server's first segment: what a web user waits before
 * anything shows) and to its end — the last byte for a completed flow (the flow completion time), else the moment
 * it timed out or failed. A flow that did not complete is a result too: its completion time is at least
 * {@code elapsed}.
 *
 * @param timeToFirstByte null when no byte arrived
 * @param localPort       the client's port: with the server's address and port, which connection it was
 * @param error           why it failed, or empty
 */
public record FlowResult(long bytes, State state, long bytesReceived, Duration timeToFirstByte, Duration elapsed,
                         int localPort, String error) {
    public enum State { COMPLETED, TIMED_OUT, FAILED }

    public boolean completed() {
        return state == State.COMPLETED;
    }
}
