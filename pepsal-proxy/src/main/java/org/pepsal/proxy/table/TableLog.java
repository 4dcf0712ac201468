package org.pepsal.proxy.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The periodic connection-table dump, laid out like the original PEPsal's log file: a dated header, then per
 * connection its index, both endpoints, status, SYN time and last activity. Byte counts, half-close times, when
 * each connection's idle or half-close timeout expires and a closing line with the timeouts (and how many
 * connections each has reset) are additions.
 */
public final class TableLog {
    // ctime(3)'s format, as the original used.
    private static final DateTimeFormatter CTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT).withZone(ZoneId.systemDefault());

    private final Path file;
    private final IdleTimeouts timeouts;

    public TableLog(Path file, IdleTimeouts timeouts) {
        this.file = file;
        this.timeouts = timeouts;
    }

    public Path file() {
        return file;
    }

    /** Renders one dump of the table; {@code timedOut} says how many connections each timeout has reset so far. */
    public static String render(List<ConnectionEntry> entries, Instant now, IdleTimeouts timeouts,
                                ToLongFunction<IdleTimeouts.Reason> timedOut) {
        StringBuilder out = new StringBuilder();
        out.append("=== [").append(CTIME.format(now)).append("] ===\n");
        int position = 0;
        for (ConnectionEntry entry : entries) {
            ConnectionState state = entry.state();
            out.append('[').append(++position).append("] Proxy ").append(entry.key()).append('\n');
            out.append("    Status: ").append(state).append('\n');
            out.append("    SYN received: ").append(CTIME.format(entry.synTime())).append('\n');
            if (entry.lastActivity() != null) {
                out.append("    Last Rx/Tx activity: ").append(CTIME.format(entry.lastActivity())).append('\n');
            }
            if (state == ConnectionState.CLOSING && entry.closingSince() != null) {
                out.append("    Half-closed: ").append(CTIME.format(entry.closingSince())).append('\n');
            }
            IdleTimeouts.Applying applying = timeouts.applying(state);
            Instant quietSince = applying == null ? null : IdleTimeouts.quietSince(entry, applying.reason());
            if (quietSince != null) {
                out.append("    ").append(capitalized(applying.reason().text())).append(": ")
                        .append(CTIME.format(quietSince.plus(applying.limit()))).append(" unless data moves\n");
            }
            out.append("    Bytes: ").append(entry.bytesFromClient()).append(" from client, ")
                    .append(entry.bytesFromServer()).append(" from server\n");
        }
        if (position == 0) {
            out.append(" No connections\n");
        }
        out.append(" Timeouts: idle ").append(limit(timeouts.idle())).append(" (")
                .append(timedOut.applyAsLong(IdleTimeouts.Reason.IDLE)).append(" reset), half-close ")
                .append(limit(timeouts.halfClose())).append(" (")
                .append(timedOut.applyAsLong(IdleTimeouts.Reason.HALF_CLOSE)).append(" reset)\n");
        return out.toString();
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String limit(Duration timeout) {
        if (timeout.isZero()) {
            return "off";
        }
        double seconds = timeout.toNanos() / 1e9;
        return (seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds)) + " s";
    }

    /** Appends one dump to the log file. */
    public void write(List<ConnectionEntry> entries, Instant now, ToLongFunction<IdleTimeouts.Reason> timedOut) {
        try {
            Files.writeString(file, render(entries, now, timeouts, timedOut), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the connection table to " + file, e);
        }
    }
}
