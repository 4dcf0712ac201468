package org.pepsal.proxy.table;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * When an established connection has been quiet too long: HAProxy's {@code timeout tunnel} ({@code idle}: no data
 * either way) and {@code timeout client-fin} / {@code server-fin} ({@code halfClose}: no data since one end sent
 * its FIN, or since the last data after it). A half-closed connection without a half-close timeout falls back on
 * the idle one, as HAProxy's do. Zero turns a timeout off.
 */
public record IdleTimeouts(Duration idle, Duration halfClose) {
    public static final IdleTimeouts OFF = new IdleTimeouts(Duration.ZERO, Duration.ZERO);

    public IdleTimeouts {
        if (idle.isNegative() || halfClose.isNegative()) {
            throw new IllegalArgumentException("--idle-timeout and --half-close-timeout must be >= 0 (0: off)");
        }
    }

    /** Why a connection was reset; {@link #text()} is its close reason in the flow log. */
    public enum Reason {
        IDLE("idle timeout"),
        HALF_CLOSE("half-close timeout");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        /** The metrics' tag value: {@code idle}, {@code half_close}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The timeout a connection is under and how long it may stay quiet. */
    public record Applying(Reason reason, Duration limit) {
    }

    /** The timeout an entry in {@code state} is under, or null (none set, or not established). */
    public Applying applying(ConnectionState state) {
        if (state == ConnectionState.CLOSING && !halfClose.isZero()) {
            return new Applying(Reason.HALF_CLOSE, halfClose);
        }
        if ((state == ConnectionState.CONNECTED || state == ConnectionState.CLOSING) && !idle.isZero()) {
            return new Applying(Reason.IDLE, idle);
        }
        return null;
    }

    /**
     * When the entry's quiet time began: the latest of its connection, its last data (as last refreshed from the
     * kernel) and, under the half-close timeout, its half-close. Null before it is connected.
     */
    public static Instant quietSince(ConnectionEntry entry, Reason reason) {
        Instant since = entry.connectedTime();
        if (since == null) {
            return null;
        }
        since = latest(since, entry.lastActivity());
        return reason == Reason.HALF_CLOSE ? latest(since, entry.closingSince()) : since;
    }

    private static Instant latest(Instant a, Instant b) {
        return b != null && b.isAfter(a) ? b : a;
    }
}
