package org.pepsal.testbed.report;

import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;
import org.pepsal.testbed.measure.Sample;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The satellite-side sender's view over time, one chart per variant: its congestion window, smoothed RTT and
 * delivery-rate estimate (TCP_INFO sampled about every 100 ms) — the PEP's socket when split, the server's
 * (or, for uploads, the client's) when plain. A colour per mode, a line style per repetition.
 */
final class SenderChart implements Chart {
    /** The panels: metric, axis label, and the factor from the metric's unit to the axis's. */
    private record Panel(String metric, String label, double scale) {
    }

    private static final List<Panel> PANELS = List.of(new Panel(Metrics.CWND, "cwnd (segments)", 1),
            new Panel(Metrics.SRTT, "smoothed RTT (ms)", 1e3), new Panel(Metrics.DELIVERY_RATE, "delivery rate (Mbit/s)", 1e-6));

    @Override
    public List<Figure> figures(ReportData data) {
        Set<String> variants = new LinkedHashSet<>();
        data.timeseries().stream().filter(s -> s.measurement().metric().equals(Metrics.CWND))
                .forEach(s -> variants.add(s.measurement().variant()));
        List<Figure> figures = new ArrayList<>();
        for (String variant : variants) {
            figures.add(figure(data, variant));
        }
        return figures;
    }

    private static Figure figure(ReportData data, String variant) {
        NumberAxis time = new NumberAxis("time since the workload's start (s)");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        List<Double> times = new ArrayList<>(List.of(0.0));
        Set<String> legs = new LinkedHashSet<>();
        for (Panel panel : PANELS) {
            Map<String, XYSeries> series = new LinkedHashMap<>();
            Map<String, Integer> repetitionOf = new LinkedHashMap<>();
            List<Double> values = new ArrayList<>();
            data.timeseries().stream().filter(s -> s.measurement().metric().equals(panel.metric())
                            && s.measurement().variant().equals(variant))
                    .sorted(Comparator.comparingInt((Sample s) -> data.modes().indexOf(s.measurement().mode()))
                            .thenComparingInt(s -> s.measurement().repetition()).thenComparing(Sample::seconds))
                    .forEach(s -> {
                        Measurement m = s.measurement();
                        String stream = m.parameters().getOrDefault(Metrics.STREAM, "");
                        String key = m.mode() + " r" + m.repetition() + (stream.isEmpty() ? "" : " stream " + stream);
                        repetitionOf.put(key, m.repetition());
                        series.computeIfAbsent(key, k -> new XYSeries(k, false)).add(s.seconds(), m.value() * panel.scale());
                        values.add(m.value() * panel.scale());
                        times.add(s.seconds());
                        legs.add(m.mode() + ": " + m.leg());
                    });
            XYSeriesCollection dataset = new XYSeriesCollection();
            XYLineAndShapeRenderer renderer = Charts.repetitionLines(data, series, repetitionOf, dataset);
            for (int i = 0; i < dataset.getSeriesCount(); i++) {
                renderer.setSeriesVisibleInLegend(i, panel == PANELS.get(0));
            }
            NumberAxis axis = new NumberAxis(panel.label());
            Charts.linearRange(axis, values);
            plot.add(new XYPlot(dataset, null, axis, renderer));
        }
        Charts.linearRange(time, times);
        String label = data.label(variant);
        return new Figure("sender-" + variant, "The satellite-side sender's TCP_INFO over time, " + label + " ("
                + String.join("; ", legs) + "): congestion window, smoothed RTT, delivery rate; a colour per mode, "
                + "a line style per repetition.", Charts.titled("Satellite-side sender: " + label, plot));
    }
}
