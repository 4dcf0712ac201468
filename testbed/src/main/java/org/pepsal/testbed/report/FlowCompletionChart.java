package org.pepsal.testbed.report;

import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.util.ShapeUtils;
import org.jfree.data.xy.XYDataItem;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.pepsal.testbed.measure.Legs;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;

import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Flow completion time against flow size, both axes logarithmic, one chart per variant: every flow as a dot, a
 * flow that timed out or failed as an upward triangle at the time waited (its completion time is larger), and
 * each mode's median joined by a line with its exact 95 % interval where n allows one; dashed, the limits computed
 * from the configuration (the physical limit, and a single PEP's client receive window's).
 */
final class FlowCompletionChart implements Chart {
    private static final Color WINDOW_LIMIT = new Color(0xb0, 0x30, 0x30);

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

    /**
     * The variant's reference lines over its flow sizes: the physical limit, then (where a single PEP's points
     * recorded it) the limit the client's receive window sets on the satellite leg.
     */
    private static List<XYSeries> references(ReportData data, String variant) {
        List<XYSeries> lines = new ArrayList<>();
        XYSeries physical = limitLine(data, variant, Metrics.PHYSICAL_LIMIT, Legs.END_TO_END, "physical limit");
        if (physical.getItemCount() > 0) {
            lines.add(physical);
            XYSeries window = limitLine(data, variant, Metrics.RECEIVE_WINDOW_LIMIT, Legs.SATELLITE,
                    "the limit the client's receive window sets (single PEP)");
            if (window.getItemCount() > 0) {
                lines.add(window);
            }
        }
        return lines;
    }

    private static XYSeries limitLine(ReportData data, String variant, String metric, String leg, String name) {
        Map<Double, Double> bySize = new TreeMap<>();
        data.rows(metric).stream().filter(m -> m.variant().equals(variant) && m.leg().equals(leg)
                        && m.parameters().containsKey(Metrics.FLOW_SIZE))
                .forEach(m -> bySize.putIfAbsent(Double.parseDouble(m.parameters().get(Metrics.FLOW_SIZE)), m.value()));
        XYSeries series = new XYSeries(name);
        bySize.forEach(series::add);
        return series;
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
        List<XYSeries> references = references(data, variant);
        references.forEach(r -> r.getItems().forEach(item -> times.add(((XYDataItem) item).getYValue())));
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
        if (!references.isEmpty()) {
            XYSeriesCollection lines = new XYSeriesCollection();
            references.forEach(lines::addSeries);
            XYLineAndShapeRenderer lineRenderer = new XYLineAndShapeRenderer(true, false);
            for (int i = 0; i < references.size(); i++) {
                lineRenderer.setSeriesPaint(i, i == 0 ? Charts.REFERENCE : WINDOW_LIMIT);
                lineRenderer.setSeriesStroke(i, Charts.REFERENCE_LINE);
                // A single size has no line to draw: its limit is a mark.
                lineRenderer.setSeriesShapesVisible(i, references.get(i).getItemCount() == 1);
            }
            plot.setDataset(2, lines);
            plot.setRenderer(2, lineRenderer);
        }
        long censoredCount = flows.stream().filter(Measurement::censored).count();
        String label = data.label(variant);
        return new Figure("flow-completion-" + variant, "Flow completion time per size, " + label
                + ": dots are flows, lines join each mode's median with its exact 95 % interval where n allows one"
                + (censoredCount > 0 ? "; " + censoredCount + " of " + flows.size() + " flows timed out or failed "
                + "(triangles, at the time waited: their completion time is larger)" : "")
                + (bounds.isEmpty() ? "" : "; medians that are only lower bounds: " + String.join(", ", bounds))
                + (references.isEmpty() ? "" : "; dashed grey: the physical limit (one base RTT for the handshake, one "
                + "for the request, the size's serialisation at the link's rate), computed, not measured")
                + (references.size() < 2 ? "" : "; dashed red: the limit the client's receive window sets for a "
                + "single PEP (at most a window per round trip of the satellite leg)")
                + "; logarithmic axes.", Charts.titled("Flow completion time: " + label, plot));
    }
}
