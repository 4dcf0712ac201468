package org.pepsal.testbed.report;

import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.pepsal.testbed.measure.Metrics;
import org.pepsal.testbed.measure.Sample;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Goodput per whole bin over the transfer, one chart per variant, in two panels on one scale: above, what the
 * receiving application got (end to end; it can exceed the link rate for a bin when a repaired loss releases data
 * held behind it); below, what the satellite leg's sender saw delivered (TCP_INFO delivered × MSS), which the
 * link's rate bounds. Each bin is drawn flat over its real width; a colour per mode, a line style per repetition,
 * and the satellite link's rate as a step line that follows the schedule in both panels.
 */
final class GoodputOverTimeChart implements Chart {
    /** A panel: the series' metric and its axis label. */
    private record Panel(String metric, String label) {
    }

    private static final List<Panel> PANELS = List.of(
            new Panel(Metrics.GOODPUT, "receiver's app (Mbit/s)"),
            new Panel(Metrics.DELIVERED_GOODPUT, "sender's delivered (Mbit/s)"));

    @Override
    public List<Figure> figures(ReportData data) {
        Set<String> variants = new LinkedHashSet<>();
        data.timeseries().stream().filter(s -> s.measurement().metric().equals(Metrics.GOODPUT))
                .map(s -> s.measurement().variant()).sorted().forEach(variants::add);
        List<Figure> figures = new ArrayList<>();
        variants.forEach(variant -> figures.add(figure(data, variant)));
        return figures;
    }

    private static Figure figure(ReportData data, String variant) {
        NumberAxis time = new NumberAxis("time since the workload's start (s)");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        List<Double> times = new ArrayList<>(List.of(0.0));
        List<Double> values = new ArrayList<>();
        Set<Double> widths = new LinkedHashSet<>();
        List<NumberAxis> axes = new ArrayList<>();
        List<XYPlot> panels = new ArrayList<>();
        for (Panel panel : PANELS) {
            List<Sample> samples = data.timeseries().stream().filter(s -> s.measurement().metric().equals(panel.metric())
                    && s.measurement().variant().equals(variant)).toList();
            if (samples.isEmpty()) {
                continue;
            }
            Map<String, XYSeries> series = new LinkedHashMap<>();
            Map<String, Integer> repetitionOf = new LinkedHashMap<>();
            samples.stream().sorted(Comparator.comparingInt((Sample s) -> data.modes().indexOf(s.measurement().mode()))
                            .thenComparingInt(s -> s.measurement().repetition()).thenComparing(Sample::seconds))
                    .forEach(s -> {
                        String key = s.measurement().mode() + " r" + s.measurement().repetition();
                        repetitionOf.put(key, s.measurement().repetition());
                        double mbit = s.measurement().value() / 1e6;
                        // Flat over the bin's real width (a sample without one is a point).
                        XYSeries line = series.computeIfAbsent(key, k -> new XYSeries(k, false));
                        line.add(s.binStart(), mbit);
                        line.add(s.seconds(), mbit);
                        times.add(s.seconds());
                        values.add(mbit);
                        if (!Double.isNaN(s.binSeconds())) {
                            widths.add(Math.round(s.binSeconds() * 1000) / 1000.0);
                        }
                    });
            XYSeriesCollection dataset = new XYSeriesCollection();
            XYLineAndShapeRenderer renderer = Charts.repetitionLines(data, series, repetitionOf, dataset);
            boolean first = panels.isEmpty();
            for (int i = 0; i < dataset.getSeriesCount(); i++) {
                renderer.setSeriesVisibleInLegend(i, first);
            }
            NumberAxis axis = new NumberAxis(panel.label());
            XYPlot xy = new XYPlot(dataset, null, axis, renderer);
            axes.add(axis);
            panels.add(xy);
        }
        double end = times.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        Optional<XYSeries> link = linkRate(data, variant, end);
        for (int p = 0; p < panels.size(); p++) {
            XYPlot xy = panels.get(p);
            boolean first = p == 0;
            link.ifPresent(rate -> {
                XYStepRenderer steps = new XYStepRenderer();
                steps.setSeriesPaint(0, Charts.REFERENCE);
                steps.setSeriesStroke(0, Charts.REFERENCE_LINE);
                steps.setSeriesVisibleInLegend(0, first);
                xy.setDataset(1, new XYSeriesCollection(rate));
                xy.setRenderer(1, steps);
            });
            plot.add(xy);
        }
        link.ifPresent(rate -> {
            for (int i = 0; i < rate.getItemCount(); i++) {
                values.add(rate.getY(i).doubleValue());
            }
        });
        // One scale for both panels, so the sender's delivery and the receiver's goodput compare at a glance.
        axes.forEach(axis -> Charts.linearRange(axis, values));
        Charts.linearRange(time, times);
        String bin = widths.isEmpty() ? "bin" : widths.stream().map(w -> String.format("%.3g s", w))
                .reduce((a, b) -> a + ", " + b).orElseThrow() + " bin";
        String label = data.label(variant);
        String legs = String.join("; ", legs(data, variant));
        return new Figure("goodput-over-time-" + variant, "Goodput per whole " + bin + " over time, " + label
                + ", each bin drawn over its width (a last bin cut short by the transfer's end is left out). Above: "
                + "what the receiving application got, end to end; it can read above the link rate for a bin when a "
                + "repaired loss releases at once data held behind it, which crossed the link earlier. Below: what "
                + "the satellite leg's sender saw delivered (TCP_INFO delivered × MSS, acknowledged or selectively "
                + "acknowledged" + (legs.isEmpty() ? "" : "; " + legs) + "), which the link's rate bounds. A colour "
                + "per mode, a line style per repetition" + (link.isPresent()
                ? "; dashed steps: the satellite link's rate in the data direction, following its schedule." : "."),
                Charts.titled("Goodput over time: " + label, plot));
    }

    /** Which leg each mode's delivery series was measured on: "plain: end-to-end". */
    private static Set<String> legs(ReportData data, String variant) {
        Set<String> legs = new LinkedHashSet<>();
        data.timeseries().stream().filter(s -> s.measurement().metric().equals(Metrics.DELIVERED_GOODPUT)
                        && s.measurement().variant().equals(variant))
                .sorted(Comparator.comparingInt(s -> data.modes().indexOf(s.measurement().mode())))
                .forEach(s -> legs.add(s.measurement().mode() + ": " + s.measurement().leg() + " leg"));
        return legs;
    }

    /** The link rate in the data direction as steps (from timeseries.csv), held to the end of the data. */
    private static Optional<XYSeries> linkRate(ReportData data, String variant, double end) {
        List<Sample> steps = data.timeseries().stream().filter(s -> s.measurement().metric().equals(Metrics.LINK_RATE)
                && s.measurement().variant().equals(variant)).toList();
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        String first = ReportData.pointKey(steps.get(0).measurement());
        XYSeries series = new XYSeries("link rate", true, false);
        steps.stream().filter(s -> ReportData.pointKey(s.measurement()).equals(first))
                .forEach(s -> series.addOrUpdate(s.seconds(), s.measurement().value() / 1e6));
        if (series.getMaxX() < end) {
            series.addOrUpdate(end, series.getY(series.getItemCount() - 1));
        }
        return Optional.of(series);
    }
}
