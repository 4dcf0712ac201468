package org.pepsal.testbed.report;

import org.jfree.chart.axis.NumberAxis;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Goodput per bin (at least one RTT and 1 s wide) over the transfer, one chart per variant: a colour per mode, a
 * line style per repetition, and the satellite link's rate as a step line that follows the schedule.
 */
final class GoodputOverTimeChart implements Chart {
    @Override
    public List<Figure> figures(ReportData data) {
        Map<String, List<Sample>> byVariant = new LinkedHashMap<>();
        data.timeseries().stream().filter(s -> s.measurement().metric().equals(Metrics.GOODPUT))
                .sorted(Comparator.comparing((Sample s) -> s.measurement().variant()).thenComparing(Sample::seconds))
                .forEach(s -> byVariant.computeIfAbsent(s.measurement().variant(), v -> new ArrayList<>()).add(s));
        List<Figure> figures = new ArrayList<>();
        byVariant.forEach((variant, samples) -> figures.add(figure(data, variant, samples)));
        return figures;
    }

    private static Figure figure(ReportData data, String variant, List<Sample> samples) {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        Map<String, Integer> repetitionOf = new LinkedHashMap<>();
        for (String mode : data.modes()) {
            samples.stream().filter(s -> s.measurement().mode().equals(mode))
                    .sorted(Comparator.comparingInt((Sample s) -> s.measurement().repetition()).thenComparing(Sample::seconds))
                    .forEach(s -> {
                        String key = mode + " r" + s.measurement().repetition();
                        repetitionOf.put(key, s.measurement().repetition());
                        series.computeIfAbsent(key, k -> new XYSeries(k, false)).add(s.seconds(), s.measurement().value() / 1e6);
                    });
        }
        XYSeriesCollection dataset = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = Charts.repetitionLines(data, series, repetitionOf, dataset);
        double end = samples.stream().mapToDouble(Sample::seconds).max().orElse(1);
        List<Double> times = new ArrayList<>(samples.stream().map(Sample::seconds).toList());
        times.add(0.0);
        List<Double> values = new ArrayList<>(samples.stream().map(s -> s.measurement().value() / 1e6).toList());
        NumberAxis time = new NumberAxis("time since the workload's start (s)");
        Charts.linearRange(time, times);
        NumberAxis goodput = new NumberAxis("goodput (Mbit/s)");
        XYPlot plot = new XYPlot(dataset, time, goodput, renderer);
        Optional<XYSeries> link = linkRate(data, variant, end);
        link.ifPresent(rate -> {
            XYStepRenderer steps = new XYStepRenderer();
            steps.setSeriesPaint(0, Charts.REFERENCE);
            steps.setSeriesStroke(0, Charts.REFERENCE_LINE);
            plot.setDataset(1, new XYSeriesCollection(rate));
            plot.setRenderer(1, steps);
            for (int i = 0; i < rate.getItemCount(); i++) {
                values.add(rate.getY(i).doubleValue());
            }
        });
        Charts.linearRange(goodput, values);
        String bin = data.rows(Metrics.GOODPUT_BIN).stream().filter(m -> m.variant().equals(variant)).findFirst()
                .map(m -> String.format("%.3g s", m.value())).orElse("one interval");
        String label = data.label(variant);
        return new Figure("goodput-over-time-" + variant, "Goodput per " + bin + " bin over time, " + label
                + ": a colour per mode, a line style per repetition" + (link.isPresent()
                ? "; dashed steps: the satellite link's rate in the data direction, following its schedule." : "."),
                Charts.titled("Goodput over time: " + label, plot));
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
