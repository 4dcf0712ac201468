package org.pepsal.testbed.report;

import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.scenario.Quantities;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * report.html, self-contained (the charts are inline SVG): the question, the configuration, the
 * calibration, the results table, the charts and the metadata.
 */
final class HtmlReport {
    /** A chart as the report shows it: its figure and its SVG element. */
    record Drawn(Chart.Figure figure, String svg) {
    }

    private final StringBuilder html = new StringBuilder();

    private HtmlReport() {
    }

    static String render(ReportData data, List<Drawn> charts) {
        return new HtmlReport().document(data, charts);
    }

    private String document(ReportData data, List<Drawn> charts) {
        String title = data.metadata().map(RunMetadata::scenario).orElse("testbed report");
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title><style>body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}"
                        + "th{background:#eee}td.t{text-align:left}pre{background:#f6f6f6;padding:1em;overflow:auto}"
                        + "figure{margin:1em 0}figcaption{color:#444}.fail{color:#b00;font-weight:bold}</style></head><body>\n");
        html.append("<h1>").append(escape(title)).append("</h1>\n");
        data.metadata().ifPresentOrElse(this::question,
                () -> html.append("<p>Rendered from results.csv alone: no metadata.json, so no configuration, calibration or reference lines.</p>\n"));
        data.metadata().ifPresent(this::calibration);
        results(data);
        html.append("<h2>Charts</h2>\n");
        for (Drawn drawn : charts) {
            String name = drawn.figure().name();
            html.append("<figure>").append(drawn.svg()).append("<figcaption>").append(escape(drawn.figure().caption()))
                    .append(" Files: <a href=\"charts/").append(name).append(".png\">PNG</a>, <a href=\"charts/")
                    .append(name).append(".svg\">SVG</a>.</figcaption></figure>\n");
        }
        data.metadata().ifPresent(this::metadata);
        return html.append("</body></html>\n").toString();
    }

    private void question(RunMetadata metadata) {
        html.append("<h2>Question</h2><p>").append(escape(metadata.question())).append("</p>\n");
        html.append("<h2>Configuration</h2><p>").append(escape(metadata.description())).append("</p>\n<pre>")
                .append(escape(yaml(metadata.document()))).append("</pre>\n");
    }

    private void calibration(RunMetadata metadata) {
        html.append("<h2>Calibration</h2>\n");
        if (metadata.calibration().isEmpty()) {
            html.append("<p>No calibration was recorded (disabled in the scenario, or the run stopped before it).</p>\n");
            return;
        }
        html.append("<table><tr><th>point</th><th>quantity</th><th>direction</th><th>configured</th><th>measured</th>"
                + "<th>allowed ±</th><th>result</th></tr>\n");
        metadata.calibration().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(point -> {
            for (Calibration.Check check : point.getValue()) {
                html.append("<tr><td class=t>").append(escape(point.getKey())).append("</td><td class=t>")
                        .append(escape(check.quantity())).append("</td><td class=t>").append(escape(check.direction()))
                        .append("</td><td>").append(format(check.configured(), check.unit())).append("</td><td>")
                        .append(format(check.measured(), check.unit())).append("</td><td>")
                        .append(format(check.allowed(), check.unit())).append("</td><td")
                        .append(check.passed() ? ">ok" : " class=fail>out of tolerance").append("</td></tr>\n");
            }
        });
        html.append("</table>\n");
    }

    private void results(ReportData data) {
        html.append("<h2>Results</h2><p>Mean of the repetitions and the half-width of its 95 % confidence interval.</p>\n")
                .append("<table><tr><th>variant</th><th>parameters</th><th>mode</th><th>metric</th><th>flow size</th>"
                        + "<th>n</th><th>mean</th><th>95 % CI ±</th></tr>\n");
        Map<List<String>, Summary> rows = new LinkedHashMap<>();
        data.results().stream().map(Measurement::metric).distinct().forEach(metric ->
                rows.putAll(data.summarise(metric, m -> true, m -> List.of(m.variant(), m.mode(), m.metric(),
                        m.parameters().getOrDefault(Metrics.FLOW_SIZE, ""), m.unit()))));
        rows.entrySet().stream().sorted(Map.Entry.comparingByKey((a, b) -> String.join("\0", a).compareTo(String.join("\0", b))))
                .forEach(row -> {
                    List<String> key = row.getKey();
                    Summary summary = row.getValue();
                    String size = key.get(3).isEmpty() ? "" : Quantities.formatBytes(Double.parseDouble(key.get(3)));
                    html.append("<tr><td class=t>").append(escape(key.get(0))).append("</td><td class=t>")
                            .append(escape(data.variants().getOrDefault(key.get(0), Map.of()).toString())).append("</td><td class=t>")
                            .append(escape(key.get(1))).append("</td><td class=t>").append(escape(key.get(2)))
                            .append("</td><td>").append(size).append("</td><td>").append(summary.count()).append("</td><td>")
                            .append(format(summary.mean(), key.get(4))).append("</td><td>")
                            .append(format(summary.halfWidth95(), key.get(4))).append("</td></tr>\n");
                });
        html.append("</table>\n");
    }

    private void metadata(RunMetadata metadata) {
        html.append("<h2>Metadata</h2><table>\n");
        row("started", metadata.started().toString());
        row("kernel", metadata.kernel());
        row("link backend", metadata.backend());
        row("git commit", metadata.gitCommit());
        metadata.toolVersions().forEach((tool, version) -> row(tool, version));
        metadata.kernelTcp().forEach(this::row);
        metadata.hosts().forEach((role, tcp) -> row("host " + role, "congestion control "
                + (tcp.congestionControl() == null ? "(kernel default)" : tcp.congestionControl())
                + ", buffer max " + Quantities.formatBytes(tcp.bufferMaxBytes()) + ", sysctls " + tcp.sysctls()));
        html.append("</table>\n");
    }

    private void row(String name, String value) {
        html.append("<tr><th>").append(escape(name)).append("</th><td class=t>").append(escape(value)).append("</td></tr>\n");
    }

    static String format(double value, String unit) {
        return switch (unit) {
            case Metrics.BITS_PER_SECOND -> Quantities.formatRate(value);
            case Metrics.SECONDS -> String.format("%.3f s", value);
            case "ms" -> String.format("%.3f ms", value);
            case Metrics.COUNT -> String.format("%.1f", value);
            default -> String.format("%.5g %s", value, escape(unit)).strip();
        };
    }

    private static String yaml(Object document) {
        try {
            return new YAMLMapper().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            return String.valueOf(document);
        }
    }

    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
