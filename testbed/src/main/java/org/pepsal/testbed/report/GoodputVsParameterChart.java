package org.pepsal.testbed.report;

import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.pepsal.testbed.measure.Legs;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;
import org.pepsal.testbed.measure.ResponseFunctions;
import org.pepsal.testbed.report.stats.Summary;
import org.pepsal.testbed.scenario.Quantities;

import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Bulk goodput against each numeric swept parameter (loss, rate, delay, ...): every repetition as a small dot,
 * each mode's median joined by a line, with its exact 95 % interval where n allows one. With a single swept
 * parameter it also draws the link rate and, for plain TCP, the Mathis bound (Reno's) and — when the plain
 * sender ran CUBIC — CUBIC's response function. The goodput axis is logarithmic.
 */
final class GoodputVsParameterChart implements Chart {
    /** How a swept parameter's values become numbers on the x axis. */
    private record ParameterAxis(String label, Function<String, Double> value) {
    }

    @Override
    public List<Figure> figures(ReportData data) {
        List<Figure> figures = new ArrayList<>();
        if (!data.has(Metrics.GOODPUT)) {
            return figures;
        }
        List<String> swept = data.sweptParameters();
        for (String parameter : swept) {
            Collection<String> values = data.variants().values().stream().map(p -> p.get(parameter)).toList();
            String name = "goodput-vs-" + ReportData.shortName(parameter).replaceAll("[^A-Za-z0-9]+", "-");
            Optional<ParameterAxis> axis = axisFor(parameter, values);
            if (axis.isEmpty()) {
                figures.add(Figure.notDrawn(name, "Goodput against " + parameter + " is not drawn: its values "
                        + values + " are not all numbers, rates, durations, sizes or probabilities."));
            } else {
                figures.add(figure(data, parameter, axis.get(), swept.size() == 1, name));
            }
        }
        return figures;
    }

    private static Figure figure(ReportData data, String parameter, ParameterAxis axis, boolean referenceLines,
                                 String name) {
        Map<String, YIntervalSeries> medians = new LinkedHashMap<>();
        Map<String, XYSeries> dots = new LinkedHashMap<>();
        List<Double> shown = new ArrayList<>();
        List<String> withoutCi = new ArrayList<>();
        data.summarise(Metrics.GOODPUT, m -> m.parameters().containsKey(parameter),
                m -> List.of(seriesName(data, m, parameter), m.parameters().get(parameter))).forEach((key, summary) -> {
            double x = axis.value().apply(key.get(1));
            double median = summary.median().value() / 1e6;
            double low = summary.medianCi() == null ? median : summary.medianCi().low().value() / 1e6;
            double high = summary.medianCi() == null ? median : summary.medianCi().high().value() / 1e6;
            medians.computeIfAbsent(key.get(0), k -> new YIntervalSeries(k + " median")).add(x, median, low, high);
            if (summary.medianCi() == null) {
                withoutCi.add(key.get(0) + " at " + key.get(1) + " (n = " + summary.n() + ")");
            }
            shown.addAll(List.of(median, low, high));
        });
        for (Measurement m : data.rows(Metrics.GOODPUT)) {
            if (m.parameters().containsKey(parameter)) {
                dots.computeIfAbsent(seriesName(data, m, parameter), k -> new XYSeries(k + " repetitions", false))
                        .add(axis.value().apply(m.parameters().get(parameter)).doubleValue(), m.value() / 1e6);
                shown.add(m.value() / 1e6);
            }
        }
        double floor = Charts.logFloor(shown);
        dots.values().forEach(series -> clampToFloor(series, floor));

        YIntervalSeriesCollection lines = new YIntervalSeriesCollection();
        medians.values().forEach(lines::addSeries);
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDefaultLinesVisible(true);
        for (int i = 0; i < lines.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, Charts.colour(data, modeOf(lines.getSeriesKey(i).toString())));
        }
        NumberAxis x = new NumberAxis(axis.label());
        List<Double> xs = data.variants().values().stream().map(p -> p.get(parameter)).filter(v -> v != null)
                .map(axis.value()).toList();
        Charts.linearRange(x, xs);
        if (xs.stream().distinct().count() > 1) {
            double span = xs.stream().mapToDouble(Double::doubleValue).max().orElse(1)
                    - xs.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            x.setRange(xs.stream().mapToDouble(Double::doubleValue).min().orElse(0) - span * 0.05,
                    xs.stream().mapToDouble(Double::doubleValue).max().orElse(1) + span * 0.05);
        }
        var y = Charts.logAxis("goodput (Mbit/s)");
        XYPlot plot = new XYPlot(lines, x, y, renderer);
        XYSeriesCollection dotData = new XYSeriesCollection();
        dots.values().forEach(dotData::addSeries);
        XYLineAndShapeRenderer dotRenderer = new XYLineAndShapeRenderer(false, true);
        for (int i = 0; i < dotData.getSeriesCount(); i++) {
            Color colour = (Color) Charts.colour(data, modeOf(dotData.getSeriesKey(i).toString()));
            dotRenderer.setSeriesPaint(i, new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 110));
            dotRenderer.setSeriesShape(i, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
            dotRenderer.setSeriesVisibleInLegend(i, false);
        }
        plot.setDataset(1, dotData);
        plot.setRenderer(1, dotRenderer);
        List<String> models = referenceLines ? addReferenceLines(data, plot, parameter, axis, shown) : List.of();
        Charts.logRange(y, shown, floor);
        String caption = "Bulk goodput against " + parameter + ": dots are repetitions, lines join each mode's median, "
                + "whiskers its exact 95 % interval" + (withoutCi.isEmpty() ? "" : " (none where n is too small: "
                + String.join(", ", withoutCi) + ")") + "; logarithmic goodput axis"
                + (models.isEmpty() ? "." : "; dashed: " + String.join(", ", models) + ".");
        return new Figure(name, caption, Charts.titled("Goodput against " + ReportData.shortName(parameter), plot));
    }

    private static void clampToFloor(XYSeries series, double floor) {
        for (int i = 0; i < series.getItemCount(); i++) {
            if (series.getY(i).doubleValue() <= 0) {
                series.updateByIndex(i, floor);
            }
        }
    }

    private static String modeOf(String seriesKey) {
        return seriesKey.split(" ")[0];
    }

    /** A mode's series, or mode and the other swept values when more than one field is swept. */
    private static String seriesName(ReportData data, Measurement m, String parameter) {
        String others = m.parameters().entrySet().stream()
                .filter(e -> !e.getKey().equals(parameter) && data.sweptParameters().contains(e.getKey()))
                .map(e -> ReportData.shortName(e.getKey()) + "=" + e.getValue()).collect(Collectors.joining(", "));
        return others.isEmpty() ? m.mode() : m.mode() + " (" + others + ")";
    }

    /** The link rate and plain TCP's models at each variant's loss and RTT; returns what was drawn. */
    private static List<String> addReferenceLines(ReportData data, XYPlot plot, String parameter, ParameterAxis axis,
                                                  List<Double> shown) {
        XYSeries linkRate = new XYSeries("link rate");
        XYSeries mathis = new XYSeries("Mathis bound (Reno)");
        XYSeries cubic = new XYSeries("CUBIC response function");
        Map<Double, String> byX = new TreeMap<>();
        data.variants().forEach((variant, parameters) -> {
            if (parameters.containsKey(parameter)) {
                byX.put(axis.value().apply(parameters.get(parameter)), variant);
            }
        });
        String baseline = data.baselineMode();
        byX.forEach((x, variant) -> {
            data.linkRate(variant).ifPresent(rate -> linkRate.add(x.doubleValue(), rate / 1e6));
            Optional<Double> rtt = data.figure(variant, Legs.END_TO_END, Metrics.BASE_RTT);
            Optional<Double> mss = data.figure(variant, Legs.END_TO_END, Metrics.MSS);
            Optional<Double> loss = data.rows(Metrics.PATH_CAPACITY).stream().filter(m -> m.variant().equals(variant))
                    .findFirst().flatMap(m -> data.figure(variant, Legs.link(Legs.SATELLITE, m.state()), Metrics.LINK_LOSS));
            if (rtt.isPresent() && mss.isPresent() && loss.isPresent() && loss.get() > 0) {
                int segment = mss.get().intValue();
                mathis.add(x.doubleValue(), ResponseFunctions.mathis(segment, rtt.get(), loss.get()) / 1e6);
                if (baseline != null && data.congestionControls(variant, baseline, Legs.END_TO_END).contains("cubic")) {
                    cubic.add(x.doubleValue(), ResponseFunctions.cubic(segment, rtt.get(), loss.get()) / 1e6);
                }
            }
        });
        XYSeriesCollection references = new XYSeriesCollection();
        List<String> drawn = new ArrayList<>();
        List<Color> colours = new ArrayList<>();
        for (XYSeries series : List.of(linkRate, mathis, cubic)) {
            if (series.getItemCount() > 0) {
                references.addSeries(series);
                for (int i = 0; i < series.getItemCount(); i++) {
                    shown.add(series.getY(i).doubleValue());
                }
                drawn.add(series == mathis ? "the Mathis bound MSS/RTT·1.22/√p (Reno's, for plain TCP)"
                        : series == cubic ? "CUBIC's response function (RFC 8312 §5.1; the plain sender ran CUBIC)"
                        : "the link rate");
                colours.add(series == linkRate ? Charts.REFERENCE : series == mathis ? new Color(0x2c, 0xa0, 0x2c)
                        : new Color(0x94, 0x67, 0xbd));
            }
        }
        if (references.getSeriesCount() > 0) {
            // Shapes too: a model known at a single swept value is still drawn.
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
            for (int i = 0; i < references.getSeriesCount(); i++) {
                renderer.setSeriesStroke(i, Charts.REFERENCE_LINE);
                renderer.setSeriesPaint(i, colours.get(i));
                renderer.setSeriesShape(i, new java.awt.geom.Rectangle2D.Double(-6, -1, 12, 2));
            }
            plot.setDataset(2, references);
            plot.setRenderer(2, renderer);
        }
        return drawn;
    }

    /** The x axis for a swept field whose every value is a number, a percentage, a rate, a duration or a size. */
    private static Optional<ParameterAxis> axisFor(String parameter, Collection<String> values) {
        boolean percent = parameter.endsWith("loss") || values.stream().anyMatch(v -> v != null && v.contains("%"));
        List<ParameterAxis> candidates = new ArrayList<>();
        if (percent) {
            candidates.add(new ParameterAxis(parameter + " (%)", v -> Quantities.probability(v) * 100));
        }
        candidates.add(new ParameterAxis(parameter, Double::parseDouble));
        candidates.add(new ParameterAxis(parameter + " (Mbit/s)", v -> Quantities.bitsPerSecond(v) / 1e6));
        candidates.add(new ParameterAxis(parameter + " (ms)", v -> Quantities.duration(v).toNanos() / 1e6));
        candidates.add(new ParameterAxis(parameter + " (B)", v -> (double) Quantities.bytes(v)));
        return candidates.stream().filter(axis -> values.stream().allMatch(v -> parses(axis, v))).findFirst();
    }

    private static boolean parses(ParameterAxis axis, String value) {
        try {
            return value != null && Double.isFinite(axis.value().apply(value));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
