package org.pepsal.testbed.report;

import org.pepsal.testbed.measure.Metrics;
import org.pepsal.testbed.report.stats.Estimate;
import org.pepsal.testbed.report.stats.Interval;
import org.pepsal.testbed.scenario.Quantities;

import java.util.List;

/** A small HTML writer for the report: escaped text, tables, and values formatted by their unit. */
final class Html {
    private final StringBuilder out = new StringBuilder();

    Html raw(String html) {
        out.append(html);
        return this;
    }

    Html text(String text) {
        out.append(escape(text));
        return this;
    }

    Html heading(String text) {
        return raw("<h2>").text(text).raw("</h2>\n");
    }

    Html paragraph(String text) {
        return raw("<p>").text(text).raw("</p>\n");
    }

    Html pre(String text) {
        return raw("<pre>").text(text).raw("</pre>\n");
    }

    /** A table: the header, then rows of cells; cells of the first {@code textColumns} columns align left. */
    Html table(List<String> header, List<List<String>> rows, int textColumns) {
        raw("<table><tr>");
        header.forEach(h -> raw("<th>").text(h).raw("</th>"));
        raw("</tr>\n");
        for (List<String> row : rows) {
            raw("<tr>");
            for (int i = 0; i < row.size(); i++) {
                raw(i < textColumns ? "<td class=t>" : "<td>").text(row.get(i)).raw("</td>");
            }
            raw("</tr>\n");
        }
        return raw("</table>\n");
    }

    @Override
    public String toString() {
        return out.toString();
    }

    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A value in its unit, for people: 18.2 Mbit/s, 1.250 s, 1.02 %, 10 KB. */
    static String format(double value, String unit) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        return switch (unit) {
            case Metrics.BITS_PER_SECOND -> Quantities.formatRate(value);
            case Metrics.SECONDS -> String.format("%.3f s", value);
            case Metrics.MILLISECONDS -> String.format("%.3f ms", value);
            case Metrics.FRACTION -> String.format("%.3g %%", value * 100);
            case Metrics.BYTES -> Quantities.formatBytes(value);
            case Metrics.RATIO -> String.format("%.3g", value);
            case Metrics.COUNT, Metrics.SEGMENTS -> value == Math.rint(value) ? String.format("%.0f", value)
                    : String.format("%.1f", value);
            default -> String.format("%.5g %s", value, unit).strip();
        };
    }

    static String format(Estimate estimate, String unit) {
        return estimate.format(v -> format(v, unit));
    }

    static String format(Interval interval, String unit) {
        return "[" + format(interval.low(), unit) + ", " + format(interval.high(), unit) + "] ("
                + String.format("%.1f %%", interval.coverage() * 100) + ")";
    }
}
