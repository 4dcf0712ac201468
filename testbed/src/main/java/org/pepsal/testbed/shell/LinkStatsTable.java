package org.pepsal.testbed.shell;

import org.pepsal.testbed.link.EmulatedLink;
import org.pepsal.testbed.link.LinkStats;

import java.util.List;
import java.util.Optional;

/**
 * What each emulated link did to the session's packets, one line per direction, as a session ends: counts since
 * the session started (calibration's probes left out), the emulator's lateness over the link's whole life.
 */
final class LinkStatsTable {
    private LinkStatsTable() {
    }

    /** One link's counters, if its backend keeps any and they could still be read. */
    record Row(String link, String backend, Optional<LinkStats> before, Optional<LinkStats> stats) {
        static Row of(String name, EmulatedLink link, Optional<LinkStats> before) {
            return new Row(name, link.backend(), before, read(link));
        }
    }

    /** The link's counters now, if its backend keeps any and they can still be read. */
    static Optional<LinkStats> read(EmulatedLink link) {
        try {
            return link.stats();
        } catch (RuntimeException e) {
            // An emulator that already died has no counters to give; the teardown goes on.
            return Optional.empty();
        }
    }

    static String format(List<Row> rows) {
        StringBuilder out = new StringBuilder(String.format("%-18s %10s %10s %9s %9s %9s %12s%n", "link (session)",
                "received", "delivered", "lost", "queue", "other", "late p99.9"));
        for (Row row : rows) {
            if (row.stats().isEmpty()) {
                out.append(String.format("%-18s (the %s backend keeps no counters)%n", row.link(), row.backend()));
                continue;
            }
            LinkStats now = row.stats().get();
            line(out, row.link() + " down", now.aToB(), row.before().map(LinkStats::aToB));
            line(out, row.link() + " up", now.bToA(), row.before().map(LinkStats::bToA));
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String name, LinkStats.Direction d, Optional<LinkStats.Direction> before) {
        LinkStats.Direction b = before.orElse(new LinkStats.Direction(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        out.append(String.format("%-18s %10d %10d %9d %9d %9d %9.3f ms%n", name, d.received() - b.received(),
                d.delivered() - b.delivered(), d.lossDrops() - b.lossDrops(), d.tailDrops() - b.tailDrops(),
                d.bufferDrops() - b.bufferDrops() + d.tunOverflows() - b.tunOverflows() + d.writeErrors() - b.writeErrors(), d.latenessP999Millis()));
    }
}
