package org.pepsal.testbed.report;

import org.pepsal.testbed.measure.Legs;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;
import org.pepsal.testbed.report.stats.Summary;
import org.pepsal.testbed.scenario.Quantities;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The report's tables that set what was measured against a reference: each flow size's completion times next to
 * the physical limit and the limit the client's receive window sets; how a multi-stream transfer shared the link
 * (per-stream goodput, Jain's index); the loss on the satellite leg next to the link's configured loss; and plain
 * TCP's goodput next to the response function of its sender's congestion control.
 */
final class ReferenceTables {
    private final ReportData data;
    private final Html html;

    ReferenceTables(ReportData data, Html html) {
        this.data = data;
        this.html = html;
    }

    /** Each variant, mode and flow size: the median completion time, each limit, and the median over the limit. */
    void flowLimits() {
        if (!data.has(Metrics.FLOW_COMPLETION_TIME) || !data.has(Metrics.PHYSICAL_LIMIT)) {
            return;
        }
        html.heading("Flow completion time against its limits");
        html.paragraph("The physical limit is the least time any TCP download of that size can take on the link: one "
                + "base RTT for the handshake, one for the request, and the size's serialisation at the satellite "
                + "link's rate. The limit the client's receive window sets applies where the client's own connection "
                + "crosses the satellite link (a single PEP at the gateway, or no PEP): at most one receive window "
                + "per round trip of that leg, the window computed from the client's effective settings (see the "
                + "Links table; the window it really advertised is receive_window_advertised in the results). Both "
                + "are computed from the configuration, not measured.");
        Map<List<String>, Summary> times = new TreeMap<>(Comparator.comparing(key -> String.join("\0", key)));
        data.summarise(Metrics.FLOW_COMPLETION_TIME, m -> m.parameters().containsKey(Metrics.FLOW_SIZE),
                m -> List.of(m.variant(), String.format("%03d", data.modes().indexOf(m.mode())), m.mode(),
                        String.format("%020d", Long.parseLong(m.parameters().get(Metrics.FLOW_SIZE))))).forEach(times::put);
        List<List<String>> rows = new ArrayList<>();
        times.forEach((key, summary) -> {
            String variant = key.get(0);
            String mode = key.get(2);
            long size = Long.parseLong(key.get(3));
            Optional<Double> physical = limit(Metrics.PHYSICAL_LIMIT, variant, mode, size);
            Optional<Double> window = limit(Metrics.RECEIVE_WINDOW_LIMIT, variant, mode, size);
            rows.add(List.of(data.label(variant), mode, Quantities.formatBytes(size), Integer.toString(summary.n()),
                    Html.format(summary.median(), Metrics.SECONDS),
                    physical.map(v -> Html.format(v, Metrics.SECONDS)).orElse("—"),
                    physical.map(v -> ratio(summary, v)).orElse("—"),
                    window.map(v -> Html.format(v, Metrics.SECONDS)).orElse("—"),
                    window.map(v -> ratio(summary, v)).orElse("—")));
        });
        html.table(List.of("variant", "mode", "flow size", "n", "median completion time", "physical limit",
                "median / physical limit", "the limit the client's receive window sets", "median / that limit"),
                rows, 3);
    }

    /** How the streams of a multi-stream bulk transfer shared the link, per variant and mode. */
    void sharing() {
        if (!data.has(Metrics.STREAM_GOODPUT)) {
            return;
        }
        html.heading("How the streams shared the link");
        html.paragraph("Per variant and mode over the repetitions: the total goodput (all streams) and its share of the "
                + "satellite link's rate, each stream's goodput (median, and the least and most of any stream), and "
                + "Jain's fairness index over one repetition's streams, (Σx)² / (n·Σx²): 1 when all streams got the "
                + "same, 1/n when one took everything.");
        List<List<String>> rows = new ArrayList<>();
        for (String variant : data.variants().keySet()) {
            for (String mode : data.modes()) {
                List<Measurement> streams = rows(Metrics.STREAM_GOODPUT, variant, mode);
                if (streams.isEmpty()) {
                    continue;
                }
                List<Double> totals = values(rows(Metrics.GOODPUT, variant, mode));
                List<Double> perStream = values(streams);
                List<Double> fairness = values(rows(Metrics.JAIN_FAIRNESS, variant, mode));
                Optional<Double> rate = data.linkRate(variant);
                String total = totals.isEmpty() ? "—" : Html.format(Summary.ofValues(totals).median(), Metrics.BITS_PER_SECOND);
                String share = totals.isEmpty() || rate.isEmpty() ? "—"
                        : String.format("%.1f %% (least %.1f %%)", Summary.ofValues(totals).median().value() / rate.get() * 100,
                        min(totals) / rate.get() * 100);
                long repetitions = streams.stream().map(Measurement::repetition).distinct().count();
                rows.add(List.of(data.label(variant), mode, Long.toString(streams.size() / Math.max(1, repetitions)),
                        Long.toString(repetitions), total, share,
                        Html.format(Summary.ofValues(perStream).median(), Metrics.BITS_PER_SECOND) + " ["
                                + Html.format(min(perStream), Metrics.BITS_PER_SECOND) + ", "
                                + Html.format(max(perStream), Metrics.BITS_PER_SECOND) + "]",
                        fairness.isEmpty() ? "—" : String.format("%.3f (least %.3f)",
                                Summary.ofValues(fairness).median().value(), min(fairness))));
            }
        }
        html.table(List.of("variant", "mode", "streams", "repetitions", "median total goodput", "of the link rate",
                "per-stream goodput: median [least, most]", "Jain's index: median (least)"), rows, 2);
    }

    /** The satellite leg's retransmission rate and the link's own drops next to the loss it was configured with. */
    void satelliteLoss() {
        if (!data.has(Metrics.RETRANSMISSION_RATE)) {
            return;
        }
        html.heading("Loss on the satellite leg");
        html.paragraph("Per variant and mode: the retransmission rate of the senders of the leg that crosses the "
                + "satellite link (retransmitted / sent data segments, TCP_INFO), the share of packets the satellite "
                + "link itself dropped in the data direction (loss model, queue and buffer drops, the emulator's "
                + "counters), and the loss the link was configured with. Median and most over the repetitions; "
                + "the last column is the most retransmission rate over the configured loss.");
        List<List<String>> rows = new ArrayList<>();
        for (String variant : data.variants().keySet()) {
            Optional<String> direction = data.rows(Metrics.PATH_CAPACITY).stream()
                    .filter(m -> m.variant().equals(variant)).map(Measurement::state).findFirst();
            if (direction.isEmpty()) {
                continue;
            }
            String link = Legs.link(Legs.SATELLITE, direction.get());
            Optional<Double> configured = data.figure(variant, link, Metrics.LINK_LOSS);
            for (String mode : data.modes()) {
                List<Measurement> retransmissions = rows(Metrics.RETRANSMISSION_RATE, variant, mode).stream()
                        .filter(m -> Legs.crosses(m.leg(), Legs.SATELLITE)).toList();
                if (retransmissions.isEmpty()) {
                    continue;
                }
                List<Double> rates = values(retransmissions);
                List<Double> drops = values(rows(Metrics.LINK_DROP_RATE, variant, mode).stream()
                        .filter(m -> m.leg().equals(link)).toList());
                rows.add(List.of(data.label(variant), mode, retransmissions.get(0).leg(),
                        medianAndMost(rates), drops.isEmpty() ? "—" : medianAndMost(drops),
                        configured.map(v -> Html.format(v, Metrics.FRACTION)).orElse("—"),
                        configured.filter(v -> v > 0).map(v -> String.format("%.2f", max(rates) / v)).orElse("—")));
            }
        }
        html.table(List.of("variant", "mode", "leg", "retransmission rate: median (most)",
                "link drops: median (most)", "configured loss", "most / configured"), rows, 3);
    }

    /** Plain TCP's goodput against the steady-state model of its sender's congestion control. */
    void responseFunctions() {
        if (!data.has(Metrics.GOODPUT_TO_RESPONSE_FUNCTION)) {
            return;
        }
        html.heading("Plain TCP against its response function");
        html.paragraph("Where plain TCP ran one stream over a lossy satellite link with CUBIC or Reno at its sender: "
                + "the steady-state goodput the model of that congestion control gives (CUBIC's response function, "
                + "RFC 8312 §5.1, never below its Reno-friendly region; the Mathis bound for Reno) at the link's "
                + "configured loss in the data direction, the base RTT and the MSS, and the measured goodput over "
                + "it. The models describe congestion avoidance in equilibrium: a transfer measured from a cold "
                + "start includes slow start's overshoot and its long recovery, so its ratio says how far the run "
                + "was from equilibrium, not how faithful the link is. Only one whose start-up was omitted speaks "
                + "for the steady state. The model is also given at the loss the link's loss model really dealt in "
                + "each repetition (its drops over the packets offered): a transfer of a few thousand packets draws "
                + "a few dozen random losses, a count that varies by a fifth from one repetition to the next, and "
                + "the configured p leaves that spread in the ratio. Medians with their exact 95 % intervals over "
                + "the repetitions.");
        List<List<String>> rows = new ArrayList<>();
        for (String variant : data.variants().keySet()) {
            for (String mode : data.modes()) {
                List<Measurement> models = rows(Metrics.RESPONSE_FUNCTION, variant, mode);
                List<Measurement> ratios = rows(Metrics.GOODPUT_TO_RESPONSE_FUNCTION, variant, mode);
                if (models.isEmpty() || ratios.isEmpty()) {
                    continue;
                }
                Summary goodput = data.summarise(Metrics.GOODPUT, m -> m.variant().equals(variant)
                        && m.mode().equals(mode) && m.leg().equals(Legs.END_TO_END), m -> 0).get(0);
                Summary ratio = data.summarise(Metrics.GOODPUT_TO_RESPONSE_FUNCTION,
                        m -> m.variant().equals(variant) && m.mode().equals(mode), m -> 0).get(0);
                List<Measurement> atDealt = rows(Metrics.RESPONSE_FUNCTION_AT_DEALT_LOSS, variant, mode);
                String dealtRatio = atDealt.isEmpty() ? "—" : withInterval(data.summarise(
                        Metrics.GOODPUT_TO_RESPONSE_FUNCTION_AT_DEALT_LOSS, m -> m.variant().equals(variant)
                                && m.mode().equals(mode), m -> 0).get(0), Metrics.RATIO);
                rows.add(List.of(data.label(variant), mode, models.get(0).state(),
                        Html.format(models.get(0).value(), Metrics.BITS_PER_SECOND),
                        withInterval(goodput, Metrics.BITS_PER_SECOND), withInterval(ratio, Metrics.RATIO),
                        atDealt.isEmpty() ? "—" : Html.format(Summary.ofValues(values(atDealt)).median(),
                                Metrics.BITS_PER_SECOND), dealtRatio,
                        Integer.toString(ratio.n()), ratios.get(0).note()));
            }
        }
        html.table(List.of("variant", "mode", "model", "model's goodput", "median goodput [95 % CI]",
                "median goodput / model [95 % CI]", "model at the dealt loss: median",
                "median goodput / model at the dealt loss [95 % CI]", "n", "measured over"), rows, 3);
    }

    private static String withInterval(Summary summary, String unit) {
        return Html.format(summary.median(), unit) + " "
                + (summary.medianCi() == null ? "(" + summary.noCi() + ")" : Html.format(summary.medianCi(), unit));
    }

    private Optional<Double> limit(String metric, String variant, String mode, long size) {
        return rows(metric, variant, mode).stream()
                .filter(m -> m.parameters().getOrDefault(Metrics.FLOW_SIZE, "").equals(Long.toString(size)))
                .map(Measurement::value).findFirst();
    }

    private List<Measurement> rows(String metric, String variant, String mode) {
        return data.rows(metric).stream().filter(m -> m.variant().equals(variant) && m.mode().equals(mode)).toList();
    }

    private static String ratio(Summary summary, double limit) {
        return (summary.median().lowerBound() ? "> " : "") + String.format("%.2f", summary.median().value() / limit);
    }

    private static String medianAndMost(List<Double> values) {
        return Html.format(Summary.ofValues(values).median(), Metrics.FRACTION) + " ("
                + Html.format(max(values), Metrics.FRACTION) + ")";
    }

    private static List<Double> values(List<Measurement> rows) {
        return rows.stream().map(Measurement::value).toList();
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
