package org.pepsal.testbed.report;

import org.pepsal.testbed.measure.LinkHealth;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;
import org.pepsal.testbed.report.stats.Estimate;
import org.pepsal.testbed.report.stats.OrderStatistics;
import org.pepsal.testbed.report.stats.Paired;
import org.pepsal.testbed.report.stats.Summary;
import org.pepsal.testbed.scenario.Quantities;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The report's tables: failed points, results per leg, paired comparisons, congestion control, the links. */
final class ResultTables {
    /** Rows that describe the set-up rather than measure it: shown in the links table, not summarised. */
    static final Set<String> CONFIGURED = Set.of(Metrics.LINK_RATE, Metrics.LINK_DELAY, Metrics.LINK_LOSS,
            Metrics.QUEUE_LIMIT, Metrics.BASE_RTT, Metrics.MSS, Metrics.PATH_CAPACITY, Metrics.GOODPUT_BIN,
            Metrics.RECEIVE_WINDOW, Metrics.RECEIVE_WINDOW_RATE);
    /** Not summarised: names, verdicts, the point's own rows, and the limits per flow size ({@link ReferenceTables} shows those). */
    private static final Set<String> NOT_SUMMARISED = Set.of(Metrics.CONGESTION_CONTROL, Metrics.LINK_HEALTH,
            Metrics.POINT_STATUS, Metrics.POINT_HEALTH, Metrics.POINT_START, Metrics.POINT_DURATION,
            Metrics.PHYSICAL_LIMIT, Metrics.RECEIVE_WINDOW_LIMIT);
    /** The metrics compared in pairs with the baseline mode; and a command workload's own, but its exit status. */
    private static final List<String> PAIRED = List.of(Metrics.GOODPUT, Metrics.GOODPUT_AFTER_STARTUP,
            Metrics.STARTUP_TIME, Metrics.TRANSFER_TIME, Metrics.FLOW_COMPLETION_TIME, Metrics.COMMAND_WALL_TIME);

    private final ReportData data;
    private final Html html;

    ResultTables(ReportData data, Html html) {
        this.data = data;
        this.html = html;
    }

    void points() {
        List<Measurement> status = data.results().stream().filter(m -> m.metric().equals(Metrics.POINT_STATUS)).toList();
        List<Measurement> failed = data.failedPoints();
        html.heading("Points");
        html.paragraph(status.size() + " point(s) recorded, " + failed.size() + " failed"
                + (failed.isEmpty() ? "." : "; a failed point's reason follows, and it is left out of every statistic."));
        for (Measurement m : failed) {
            html.raw("<p class=fail>").text(ReportData.pointKey(m)).raw("</p>\n").pre(m.note());
        }
        Map<String, String> flagged = data.flaggedPoints();
        if (!flagged.isEmpty()) {
            html.paragraph(flagged.size() + " point(s) flagged: their link was not the one configured while they ran "
                    + "(the emulator's lateness p99.9 above the limit, or packets dropped outside the queue rule). "
                    + "They stay in the statistics (the scenario's health.fail would fail them); the results table "
                    + "names them beside their variant and mode.");
            html.table(List.of("point", "why flagged"), flagged.entrySet().stream()
                    .map(e -> List.of(e.getKey(), e.getValue())).toList(), 2);
        }
    }

    void results() {
        html.heading("Results");
        html.paragraph("Per variant, mode and leg: n (how many were censored, i.e. only lower bounds such as a flow "
                + "that timed out), the median with its exact distribution-free 95 % interval (order statistics; "
                + "its actual coverage in brackets), and the mean with a percentile-bootstrap 95 % interval from "
                + "n ≥ 10. '>' marks a lower bound.");
        Map<List<String>, Summary> summaries = new TreeMap<>(Comparator.comparing(key -> String.join("\0", key)));
        Map<List<String>, String> units = new LinkedHashMap<>();
        data.results().stream().map(Measurement::metric).distinct()
                .filter(metric -> !CONFIGURED.contains(metric) && !NOT_SUMMARISED.contains(metric) && !isLinkStat(metric))
                .forEach(metric -> data.summarise(metric, m -> true, m -> {
                    List<String> key = List.of(m.variant(), String.valueOf(data.modes().indexOf(m.mode())), m.mode(),
                            m.leg(), m.metric(), m.parameters().getOrDefault(Metrics.FLOW_SIZE, ""));
                    units.put(key, m.unit());
                    return key;
                }).forEach(summaries::put));
        List<List<String>> rows = new ArrayList<>();
        summaries.forEach((key, summary) -> {
            String unit = units.get(key);
            String size = key.get(5).isEmpty() ? "" : Quantities.formatBytes(Double.parseDouble(key.get(5)));
            rows.add(List.of(data.label(key.get(0)), key.get(2), linkHealth(key.get(0), key.get(2)), key.get(3), key.get(4), size,
                    summary.n() + (summary.censored() > 0 ? " (" + summary.censored() + " censored)" : ""),
                    Html.format(summary.median(), unit),
                    summary.medianCi() == null ? summary.noCi() : Html.format(summary.medianCi(), unit),
                    Html.format(summary.mean(), unit) + (summary.meanCi() == null ? "" : " " + Html.format(summary.meanCi(), unit))));
        });
        html.table(List.of("variant", "mode", "link health", "leg", "metric", "flow size", "n", "median",
                "95 % CI of the median", "mean (95 % CI)"), rows, 6);
    }

    /**
     * Beside a variant and mode: which of its repetitions ran on a flagged link; else ok where some link was
     * checked, or "not checked" (no backend kept statistics, or results from before the check).
     */
    private String linkHealth(String variant, String mode) {
        List<Integer> flagged = data.flaggedRepetitions(variant, mode);
        if (!flagged.isEmpty()) {
            return "flagged: " + flagged.stream().map(r -> "r" + r).collect(Collectors.joining(", "));
        }
        boolean checked = data.results().stream().anyMatch(m -> m.metric().equals(Metrics.POINT_HEALTH)
                && m.state().equals(LinkHealth.OK) && m.variant().equals(variant) && m.mode().equals(mode));
        return checked ? "ok" : "not checked";
    }

    /** Every other mode against the baseline, repetition by repetition (same repetition, same loss pattern). */
    void paired() {
        String baseline = data.baselineMode();
        List<String> others = data.modes().stream().filter(m -> !m.equals(baseline)).toList();
        if (baseline == null || others.isEmpty()) {
            return;
        }
        html.heading("Paired comparison with " + baseline);
        html.paragraph("For each repetition both modes ran (the same repetition sees the same loss pattern), the ratio "
                + "mode / " + baseline + "; then the ratios' median with its exact 95 % interval.");
        List<String> metrics = new ArrayList<>(PAIRED);
        data.results().stream().map(Measurement::metric).distinct()
                .filter(metric -> metric.startsWith(Metrics.command("")) && !metrics.contains(metric)
                        && !metric.equals(Metrics.COMMAND_EXIT_STATUS))
                .forEach(metrics::add);
        List<List<String>> rows = new ArrayList<>();
        for (String variant : data.variants().keySet()) {
            for (String mode : others) {
                for (String metric : metrics) {
                    Map<String, Map<String, Map<Integer, List<Estimate>>>> bySize = new TreeMap<>();
                    data.rows(metric).stream().filter(m -> m.variant().equals(variant))
                            .forEach(m -> bySize.computeIfAbsent(m.parameters().getOrDefault(Metrics.FLOW_SIZE, ""), k -> new TreeMap<>())
                                    .computeIfAbsent(m.mode(), k -> new TreeMap<>())
                                    .computeIfAbsent(m.repetition(), k -> new ArrayList<>()).add(ReportData.estimate(m)));
                    bySize.forEach((size, lists) -> {
                        // Several flows of one size in one point are not repetitions: their median stands for the point.
                        Map<String, Map<Integer, Estimate>> byMode = new TreeMap<>();
                        lists.forEach((m, reps) -> reps.forEach((r, values) ->
                                byMode.computeIfAbsent(m, k -> new TreeMap<>()).put(r, OrderStatistics.median(values))));
                        if (!byMode.containsKey(baseline) || !byMode.containsKey(mode)) {
                            return;
                        }
                        Paired paired = Paired.of(byMode.get(baseline), byMode.get(mode));
                        String sizeText = size.isEmpty() ? "" : Quantities.formatBytes(Double.parseDouble(size));
                        if (paired == null || paired.ratio() == null) {
                            rows.add(List.of(data.label(variant), mode + " / " + baseline, metric, sizeText, "0",
                                    "no pairs", "", paired == null ? "no repetition ran in both modes"
                                            : String.join("; ", paired.excluded())));
                            return;
                        }
                        Summary ratio = paired.ratio();
                        rows.add(List.of(data.label(variant), mode + " / " + baseline, metric, sizeText,
                                Integer.toString(ratio.n()), ratio.median().format(v -> String.format("%.3g", v)),
                                ratio.medianCi() == null ? ratio.noCi() : "[" + ratio.medianCi().low().format(v -> String.format("%.3g", v))
                                        + ", " + ratio.medianCi().high().format(v -> String.format("%.3g", v)) + "] ("
                                        + String.format("%.1f %%", ratio.medianCi().coverage() * 100) + ")",
                                String.join("; ", paired.excluded())));
                    });
                }
            }
        }
        html.table(List.of("variant", "ratio", "metric", "flow size", "pairs", "median ratio", "95 % CI", "left out"),
                rows, 4);
    }

    void congestionControl() {
        List<Measurement> rows = data.rows(Metrics.CONGESTION_CONTROL);
        if (rows.isEmpty()) {
            return;
        }
        html.heading("Congestion control in use");
        html.paragraph("What each leg's sender actually ran, read from the kernel (sock_diag) during the transfer.");
        Map<List<String>, Set<String>> seen = new TreeMap<>(Comparator.comparing(key -> String.join("\0", key)));
        rows.forEach(m -> seen.computeIfAbsent(List.of(m.variant(), String.valueOf(data.modes().indexOf(m.mode())), m.mode(),
                m.leg()), k -> new java.util.TreeSet<>()).add(m.state()));
        html.table(List.of("variant", "mode", "leg", "congestion control"), seen.entrySet().stream()
                .map(e -> List.of(data.label(e.getKey().get(0)), e.getKey().get(2), e.getKey().get(3),
                        String.join(", ", e.getValue()))).toList(), 4);
    }

    void links() {
        List<Measurement> configured = data.results().stream().filter(m -> CONFIGURED.contains(m.metric())).toList();
        if (!configured.isEmpty()) {
            html.heading("Links");
            Map<List<String>, Measurement> first = new TreeMap<>(Comparator.comparing(key -> String.join("\0", key)));
            configured.forEach(m -> first.putIfAbsent(List.of(m.variant(), m.leg(), m.metric()), m));
            html.table(List.of("variant", "leg", "quantity", "value"), first.values().stream()
                    .map(m -> List.of(data.label(m.variant()), m.leg(), m.metric(), Html.format(m.value(), m.unit())
                            + (m.metric().equals(Metrics.PATH_CAPACITY) ? " (data direction: " + m.state() + ")" : "")
                            + (m.metric().equals(Metrics.RECEIVE_WINDOW) ? " (" + m.state() + ")" : "")))
                    .toList(), 3);
        }
        List<Measurement> health = data.results().stream().filter(m -> m.metric().equals(Metrics.LINK_HEALTH)).toList();
        if (health.isEmpty()) {
            return;
        }
        html.heading("Link health");
        List<Measurement> flagged = health.stream().filter(m -> m.state().equals(LinkHealth.FLAGGED)).toList();
        long unavailable = health.stream().filter(m -> m.state().equals(LinkHealth.UNAVAILABLE)).count();
        html.paragraph("The emulator's own statistics during each point's workload: " + (health.size() - unavailable)
                + " link direction(s) checked, " + flagged.size() + " flagged (lateness p99.9 above the limit, or drops "
                + "outside the queue rule: no buffer, write errors, TUN overflows)"
                + (unavailable == 0 ? "." : "; " + unavailable + " without statistics (a backend that keeps none)."));
        if (!flagged.isEmpty()) {
            html.table(List.of("point", "leg", "why"), flagged.stream()
                    .map(m -> List.of(ReportData.pointKey(m), m.leg(), m.note())).toList(), 3);
        }
        Map<List<String>, List<Double>> stats = new TreeMap<>(Comparator.comparing(key -> String.join("\0", key)));
        Map<List<String>, String> units = new LinkedHashMap<>();
        data.results().stream().filter(m -> isLinkStat(m.metric())).forEach(m -> {
            List<String> key = List.of(m.leg(), m.metric());
            stats.computeIfAbsent(key, k -> new ArrayList<>()).add(m.value());
            units.put(key, m.unit());
        });
        html.table(List.of("leg", "statistic", "points", "median", "max"), stats.entrySet().stream().map(e -> {
            Summary s = Summary.ofValues(e.getValue());
            double max = e.getValue().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            String unit = units.get(e.getKey());
            return List.of(e.getKey().get(0), e.getKey().get(1), Integer.toString(s.n()), Html.format(s.median(), unit),
                    Html.format(max, unit));
        }).collect(Collectors.toList()), 2);
    }

    /** The emulator's counters and lateness, per link direction ({@code link_*} rows that are not configuration). */
    static boolean isLinkStat(String metric) {
        return metric.startsWith("link_") && !CONFIGURED.contains(metric) && !metric.equals(Metrics.LINK_HEALTH);
    }
}
