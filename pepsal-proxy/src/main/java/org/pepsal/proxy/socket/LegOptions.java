package org.pepsal.proxy.socket;

/**
 * Socket settings for one leg of a split connection. A buffer size of 0 leaves the kernel's autotuning on;
 * a fixed size turns it off for that socket.
 */
public record LegOptions(String congestionControl, boolean noDelay, int sendBuffer, int receiveBuffer,
                         boolean quickAck) {
    public LegOptions {
        if (sendBuffer < 0 || receiveBuffer < 0) {
            throw new IllegalArgumentException("buffer sizes must be >= 0");
        }
    }

    public boolean fixedBuffers() {
        return sendBuffer > 0 || receiveBuffer > 0;
    }
}
