package org.pepsal.proxy.socket;

/**
 * TCP keepalive of a leg: after {@code idleSeconds} without traffic the kernel probes the peer every
 * {@code intervalSeconds} and resets the connection after {@code count} unanswered probes (a terminal that
 * powered off). {@link #OFF} leaves SO_KEEPALIVE unset.
 */
public record KeepAlive(int idleSeconds, int intervalSeconds, int count) {
    public static final KeepAlive OFF = new KeepAlive(0, 0, 0);
    // The kernel's own bounds (MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL, MAX_TCP_KEEPCNT): beyond them it refuses.
    private static final int MAX_SECONDS = 32767;
    private static final int MAX_COUNT = 127;

    public KeepAlive {
        boolean off = idleSeconds == 0 && intervalSeconds == 0 && count == 0;
        if (!off && (idleSeconds < 1 || idleSeconds > MAX_SECONDS || intervalSeconds < 1
                || intervalSeconds > MAX_SECONDS || count < 1 || count > MAX_COUNT)) {
            throw new IllegalArgumentException("keepalive must be IDLE,INTERVAL,COUNT with IDLE and INTERVAL 1.."
                    + MAX_SECONDS + " s and COUNT 1.." + MAX_COUNT + ", not " + idleSeconds + "," + intervalSeconds
                    + "," + count);
        }
    }

    public boolean on() {
        return count > 0;
    }

    /** {@code IDLE,INTERVAL,COUNT} in whole seconds (e.g. {@code 120,30,6}), or {@code 0} / {@code off}. */
    public static KeepAlive parse(String text, String option) {
        String value = text.strip();
        if (value.equals("0") || value.equalsIgnoreCase("off")) {
            return OFF;
        }
        String[] parts = value.split(",", -1);
        try {
            if (parts.length != 3) {
                throw new NumberFormatException();
            }
            return new KeepAlive(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()),
                    Integer.parseInt(parts[2].strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " must be IDLE,INTERVAL,COUNT (whole seconds, seconds, "
                    + "probes; e.g. 120,30,6) or 0 for off, not '" + text + "'"
                    + (e instanceof NumberFormatException ? "" : ": " + e.getMessage()));
        }
    }

    @Override
    public String toString() {
        return on() ? idleSeconds + "," + intervalSeconds + "," + count : "off";
    }
}
