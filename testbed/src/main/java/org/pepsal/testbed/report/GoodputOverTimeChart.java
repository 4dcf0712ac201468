package org.pepsal.testbed.report;

import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Sample;
import org.pepsal.testbed.measure.Metrics;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Goodput per reporting interval over the transfer, one chart per variant, one line per mode and repetition. */
final class GoodputOverTimeChart implements Chart {
    @Override
    public List<Figure> figures(ReportData data) {
        Map<String, Map<String, XYSeries>> byVariant = new LinkedHashMap<>();
        data.timeseries().stream().filter(s -> s.measurement().metric().equals(Metrics.GOODPUT))
                .sorted(java.util.Comparator.comparing((Sample s) -> s.measurement().variant()).thenComparing(Sample::seconds))
                .forEach(s -> {
                    Measurement m = s.measurement();
                    byVariant.computeIfAbsent(m.variant(), v -> new LinkedHashMap<>())
                            .computeIfAbsent(m.mode() + " r" + m.repetition(), XYSeries::new)
                            .add(s.seconds(), m.value() / 1e6);
                });
        List<Figure> figures = new ArrayList<>();
        byVariant.forEach((variant, series) -> {
            XYSeriesCollection dataset = new XYSeriesCollection();
            series.values().forEach(dataset::addSeries);
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
            for (int i = 0; i < dataset.getSeriesCount(); i++) {
                renderer.setSeriesPaint(i, Charts.colour(dataset.getSeriesKey(i).toString()));
            }
            XYPlot plot = new XYPlot(dataset, new NumberAxis("time since the transfer's start (s)"),
                    new NumberAxis("goodput (Mbit/s)"), renderer);
            String label = data.label(variant);
            figures.add(new Figure("goodput-over-time-" + variant, "Goodput per interval over time, " + label + ".",
                    Charts.titled("Goodput over time: " + label, plot)));
        });
        return figures;
    }
}
