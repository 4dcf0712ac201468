package org.pepsal.testbed.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.measure.Legs;
import org.pepsal.testbed.measure.Metrics;
import org.pepsal.testbed.report.stats.Bootstrap;
import org.pepsal.testbed.report.stats.OrderStatistics;
import org.pepsal.testbed.scenario.Quantities;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * report.html, self-contained (the charts are inline SVG): the question, the configuration, the points (and why
 * any failed), results per leg, the results against their references (limits, sharing, loss), paired comparisons, the congestion control in use, the links and their health,
 * the calibration, the charts (or why one was not drawn), the method and the metadata.
 */
final class HtmlReport {
    /** A chart as the report shows it: its figure and, when drawn, its SVG element. */
    record Drawn(Chart.Figure figure, String svg) {
    }

    private final Html html = new Html();

    private HtmlReport() {
    }

    static String render(ReportData data, List<Drawn> charts) {
        return new HtmlReport().document(data, charts);
    }

    private String document(ReportData data, List<Drawn> charts) {
        String title = data.metadata().map(RunMetadata::scenario).orElse("testbed report");
        html.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").text(title)
                .raw("</title><style>body{font-family:sans-serif;max-width:75em;margin:2em auto;padding:0 1em}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}"
                        + "th{background:#eee}td.t{text-align:left}pre{background:#f6f6f6;padding:1em;overflow:auto}"
                        + "figure{margin:1em 0}figcaption{color:#444}.fail{color:#b00;font-weight:bold}</style></head><body>\n");
        html.raw("<h1>").text(title).raw("</h1>\n");
        data.metadata().ifPresentOrElse(this::question, () -> html.paragraph("Rendered from results.csv alone: no "
                + "metadata.json, so no configuration, calibration or machine description."));
        ResultTables tables = new ResultTables(data, html);
        tables.points();
        if (data.results().stream().allMatch(m -> m.leg().equals(Legs.POINT))) {
            html.paragraph("No point produced measurements, so there is nothing to summarise or draw.");
        }
        tables.results();
        ReferenceTables references = new ReferenceTables(data, html);
        references.flowLimits();
        references.sharing();
        references.satelliteLoss();
        references.responseFunctions();
        tables.paired();
        tables.congestionControl();
        tables.links();
        data.metadata().ifPresent(this::calibration);
        html.heading("Charts");
        for (Drawn drawn : charts) {
            Chart.Figure figure = drawn.figure();
            if (!figure.drawn()) {
                html.raw("<p><em>Not drawn</em> (").text(figure.name()).raw("): ").text(figure.caption()).raw("</p>\n");
                continue;
            }
            html.raw("<figure>").raw(drawn.svg()).raw("<figcaption>").text(figure.caption())
                    .raw(" Files: <a href=\"charts/").text(figure.name()).raw(".png\">PNG</a>, <a href=\"charts/")
                    .text(figure.name()).raw(".svg\">SVG</a>.</figcaption></figure>\n");
        }
        method();
        data.metadata().ifPresent(this::metadata);
        return html.raw("</body></html>\n").toString();
    }

    private void question(RunMetadata metadata) {
        html.heading("Question").paragraph(metadata.question());
        html.heading("Configuration").paragraph(metadata.description()).pre(yaml(metadata.document()));
    }

    private void calibration(RunMetadata metadata) {
        html.heading("Calibration");
        if (metadata.calibration().isEmpty()) {
            html.paragraph("No calibration was recorded (disabled in the scenario, or the run stopped before it).");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        metadata.calibration().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(point -> {
            for (Calibration.Check check : point.getValue()) {
                rows.add(List.of(point.getKey(), check.quantity(), check.direction(), calibrated(check.configured(), check.unit()),
                        calibrated(check.measured(), check.unit()), calibrated(check.allowed(), check.unit()),
                        check.passed() ? "ok" : "out of tolerance"));
            }
        });
        html.table(List.of("point", "quantity", "direction", "configured", "measured", "allowed ±", "result"), rows, 3);
    }

    private static String calibrated(double value, String unit) {
        return unit.equals("fraction") ? String.format("%.5f", value) : Html.format(value, unit);
    }

    private void method() {
        html.heading("Method");
        html.paragraph("Legs: a connection's TCP endpoints are the client, the server and, when the mode runs PEPs, "
                + "every PEP; each pair of neighbours is one leg, named after the links it crosses (satellite, "
                + "terrestrial, lan), or end-to-end when it crosses them all. Goodput is the receiver's; the sender's "
                + "view (retransmissions, RTT, congestion window, limited-by times, congestion control) is the "
                + "kernel's TCP_INFO of each leg's sender, sampled about every 100 ms through sock_diag; the "
                + "control connection of iperf3 is left out.");
        html.paragraph("Start-up ends at the end of the first goodput bin whose goodput is at least "
                + Math.round(Metrics.STARTUP_FRACTION * 100) + " % of the path capacity (the satellite link's rate in "
                + "the data direction × MSS/MTU × (1 − loss)); bins are at least two base RTTs and at least 1 s wide "
                + "(whole 0.5 s iperf3 intervals; the width is in goodput_bin and, per row, in timeseries.csv's bin_s), "
                + "on the workload's clock, and only whole bins are kept: a last bin cut short by the transfer's end "
                + "would read low. The time series has two rates per bin: goodput, what the receiving application "
                + "got (end to end), which can exceed the link rate for a bin when a repaired loss releases data held "
                + "behind it; and delivered_goodput, what the satellite leg's sender saw delivered (TCP_INFO delivered "
                + "× MSS), which the link's rate bounds. "
                + "Goodput after start-up counts from there, past the bin in which the receiver released what it held "
                + "behind start-up's losses (counting that backlog would read above the link rate). "
                + "A transfer that never gets there has a start-up time of '>' its length and no goodput after start-up.");
        html.paragraph("Statistics: the median's 95 % interval is the exact distribution-free one from order statistics "
                + "(coverage 1 − 2·P(B ≤ j − 1), B ~ Binomial(n, ½); it needs n ≥ " + OrderStatistics.MIN_N
                + "); the mean's is a percentile bootstrap (" + Bootstrap.RESAMPLES + " resamples, seed "
                + Bootstrap.SEED + ") from n ≥ " + Bootstrap.MIN_N + ". Censored values (lower bounds) enter order "
                + "statistics by their bound, and a statistic they could move is shown as a lower bound. Modes are "
                + "compared in pairs of the same repetition, which see the same loss pattern.");
    }

    private void metadata(RunMetadata metadata) {
        html.heading("Metadata");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("started", String.valueOf(metadata.started())));
        rows.add(List.of("kernel", metadata.kernel()));
        rows.add(List.of("CPU", metadata.cpu()));
        rows.add(List.of("link backend", metadata.backend()));
        List<String> terrestrial = metadata.variants().stream().map(RunMetadata.VariantInfo::terrestrialLink)
                .filter(java.util.Objects::nonNull).distinct().toList();
        if (terrestrial.size() == 1) {
            rows.add(List.of("terrestrial hop", terrestrial.get(0)));
        } else {
            metadata.variants().forEach(v -> rows.add(List.of("terrestrial hop, " + v.id(), String.valueOf(v.terrestrialLink()))));
        }
        rows.add(List.of("git commit", metadata.gitCommit()));
        rows.add(List.of("run order", String.join(" ", metadata.order())));
        metadata.toolVersions().forEach((tool, version) -> rows.add(List.of(tool, version)));
        metadata.kernelTcp().forEach((key, value) -> rows.add(List.of(key, value)));
        metadata.hosts().forEach((role, tcp) -> rows.add(List.of("host " + role, "congestion control "
                + (tcp.congestionControl() == null ? "(kernel default)" : tcp.congestionControl())
                + ", buffer max " + Quantities.formatBytes(tcp.bufferMaxBytes()) + ", sysctls " + tcp.sysctls())));
        metadata.points().forEach(p -> rows.add(List.of("point " + p.id(), p.status() + ", " + p.started() + " to "
                + p.ended() + (p.loadAverage().isEmpty() ? "" : ", load average " + p.loadAverage()))));
        html.table(List.of("what", "value"), rows, 2);
        html.paragraph("Each point's folder (points/<id>/) holds its raw tool output, the commands it ran, the "
                + "effective net.* sysctls, qdiscs, offloads and routes of every namespace (environment.json), and "
                + "why it failed (failure.txt).");
    }

    private static String yaml(Object document) {
        try {
            return new YAMLMapper().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            return String.valueOf(document);
        }
    }
}
