package org.pepsal.testbed.report;

import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.util.ShapeUtils;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;

import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flow completion time against flow size, both axes logarithmic, one chart per variant: every flow as a dot, a
 * flow that timed out or failed as an upward triangle at the time waited (its completion time is larger), and
 * each mode's median joined by a line with its exact 95 % interval where n allows one.
 */
final class FlowCompletionChart implements Chart {
    @Override
    public List<Figure> figures(ReportData data) {
        List<Measurement> rows = data.rows(Metrics.FLOW_COMPLETION_TIME).stream()
                .filter(m -> m.parameters().containsKey(Metrics.FLOW_SIZE)).toList();
        Map<String, List<Measurement>> byVariant = new LinkedHashMap<>();
        rows.forEach(m -> byVariant.computeIfAbsent(m.variant(), v -> new ArrayList<>()).add(m));
        List<Figure> figures = new ArrayList<>();
        byVariant.forEach((variant, flows) -> figures.add(figure(data, variant, flows)));
        return figures;
    }

    private static Figure figure(ReportData data, String variant, List<Measurement> flows) {
        YIntervalSeriesCollection medians = new YIntervalSeriesCollection();
        XYSeriesCollection dots = new XYSeriesCollection();
        List<String> dotModes = new ArrayList<>();
        List<Boolean> dotCensored = new ArrayList<>();
        List<Double> sizes = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        List<String> bounds = new ArrayList<>();
        for (String mode : data.modes()) {
            List<Measurement> own = flows.stream().filter(m -> m.mode().equals(mode)).toList();
            if (own.isEmpty()) {
                continue;
            }
            YIntervalSeries median = new YIntervalSeries(mode + " median (" + Charts.nText(
                    own.stream().collect(java.util.stream.Collectors.groupingBy(m -> m.parameters().get(Metrics.FLOW_SIZE),
                            java.util.stream.Collectors.summingInt(m -> 1))).values()) + " per size)");
            data.summarise(Metrics.FLOW_COMPLETION_TIME, m -> m.variant().equals(variant) && m.mode().equals(mode)
                            && m.parameters().containsKey(Metrics.FLOW_SIZE),
                    m -> Double.parseDouble(m.parameters().get(Metrics.FLOW_SIZE))).forEach((size, summary) -> {
                double mid = summary.median().value();
                double low = summary.medianCi() == null ? mid : summary.medianCi().low().value();
                double high = summary.medianCi() == null ? mid : summary.medianCi().high().value();
                median.add(size, mid, low, high);
                times.addAll(List.of(mid, low, high));
                if (summary.median().lowerBound()) {
                    bounds.add(mode + " at " + org.pepsal.testbed.scenario.Quantities.formatBytes(size));
                }
            });
            medians.addSeries(median);
            XYSeries completed = new XYSeries(mode + " flows", false);
            XYSeries censored = new XYSeries(mode + " timed out or failed (> time waited)", false);
            for (Measurement m : own) {
                double size = Double.parseDouble(m.parameters().get(Metrics.FLOW_SIZE));
                (m.censored() ? censored : completed).add(size, m.value());
                sizes.add(size);
                times.add(m.value());
            }
            for (XYSeries series : List.of(completed, censored)) {
                if (series.getItemCount() > 0) {
                    dots.addSeries(series);
                    dotModes.add(mode);
                    dotCensored.add(series == censored);
                }
            }
        }
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDefaultLinesVisible(true);
        for (int i = 0; i < medians.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, Charts.colour(data, medians.getSeriesKey(i).toString().split(" ")[0]));
        }
        var x = Charts.logAxis("flow size (bytes)");
        var y = Charts.logAxis("flow completion time (s)");
        double floor = Charts.logFloor(times);
        Charts.logRange(x, sizes, Charts.logFloor(sizes) * 10);
        Charts.logRange(y, times, floor * 10);
        XYPlot plot = new XYPlot(medians, x, y, renderer);
        XYLineAndShapeRenderer dotRenderer = new XYLineAndShapeRenderer(false, true);
        for (int i = 0; i < dots.getSeriesCount(); i++) {
            Color colour = (Color) Charts.colour(data, dotModes.get(i));
            dotRenderer.setSeriesPaint(i, new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 140));
            dotRenderer.setSeriesShape(i, dotCensored.get(i) ? ShapeUtils.createUpTriangle(5)
                    : new Ellipse2D.Double(-2.5, -2.5, 5, 5));
            dotRenderer.setSeriesVisibleInLegend(i, dotCensored.get(i));
        }
        plot.setDataset(1, dots);
        plot.setRenderer(1, dotRenderer);
        long censoredCount = flows.stream().filter(Measurement::censored).count();
        String label = data.label(variant);
        return new Figure("flow-completion-" + variant, "Flow completion time per size, " + label
                + ": dots are flows, lines join each mode's median with its exact 95 % interval where n allows one"
                + (censoredCount > 0 ? "; " + censoredCount + " of " + flows.size() + " flows timed out or failed "
                + "(triangles, at the time waited: their completion time is larger)" : "")
                + (bounds.isEmpty() ? "" : "; medians that are only lower bounds: " + String.join(", ", bounds))
                + "; logarithmic axes.", Charts.titled("Flow completion time: " + label, plot));
    }
}
