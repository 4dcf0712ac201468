package org.pepsal.testbed.traffic;

import java.time.Duration;

/**
 * One short download: its size, the time from the start of the connect to the first byte of the response
 * (handshake, request and the server's first segment: what a web user waits before anything shows), and
 * to its last byte (the flow completion time).
 */
public record FlowResult(long bytes, Duration timeToFirstByte, Duration completionTime) {
}
