package org.pepsal.proxy.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The periodic connection-table dump, laid out like the original PEPsal's log file: a dated header, then per
 * connection its index, both endpoints, status, SYN time and last activity. Byte counts are an addition.
 */
public final class TableLog {
    // ctime(3)'s format, as the original used.
    private static final DateTimeFormatter CTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT).withZone(ZoneId.systemDefault());

    private final Path file;

    public TableLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Renders one dump of the table. */
    public static String render(List<ConnectionEntry> entries, Instant now) {
        StringBuilder out = new StringBuilder();
        out.append("=== [").append(CTIME.format(now)).append("] ===\n");
        int position = 0;
        for (ConnectionEntry entry : entries) {
            out.append('[').append(++position).append("] Proxy ").append(entry.key()).append('\n');
            out.append("    Status: ").append(entry.state()).append('\n');
            out.append("    SYN received: ").append(CTIME.format(entry.synTime())).append('\n');
            if (entry.lastActivity() != null) {
                out.append("    Last Rx/Tx activity: ").append(CTIME.format(entry.lastActivity())).append('\n');
            }
            out.append("    Bytes: ").append(entry.bytesFromClient()).append(" from client, ")
                    .append(entry.bytesFromServer()).append(" from server\n");
        }
        if (position == 0) {
            out.append(" No connections\n");
        }
        return out.toString();
    }

    /** Appends one dump to the log file. */
    public void write(List<ConnectionEntry> entries, Instant now) {
        try {
            Files.writeString(file, render(entries, now), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the connection table to " + file, e);
        }
    }
}
