package org.pepsal.testbed.report;

import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.pepsal.testbed.scenario.Quantities;

import java.awt.Color;
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
 * Bulk goodput against each numeric swept parameter (loss, rate, delay, ...), one line per mode, with the
 * 95 % CI. With a single swept parameter and metadata.json at hand it also draws the link rate and the
 * Mathis bound (MSS/RTT · 1.22/√p) as reference lines. The goodput axis is logarithmic: plain TCP near
 * the Mathis bound and split TCP near the link rate lie decades apart.
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
            axisFor(parameter, values).ifPresent(axis -> figures.add(figure(data, parameter, axis, swept.size() == 1)));
        }
        return figures;
    }

    private static Figure figure(ReportData data, String parameter, ParameterAxis axis, boolean referenceLines) {
        YIntervalSeriesCollection goodput = new YIntervalSeriesCollection();
        Map<String, YIntervalSeries> series = new LinkedHashMap<>();
        data.summarise(Metrics.GOODPUT, m -> m.parameters().containsKey(parameter),
                m -> List.of(seriesName(data, m, parameter), m.parameters().get(parameter))).forEach((key, summary) -> {
            double mean = summary.mean() / 1e6;
            // A logarithmic axis cannot draw an interval reaching zero: clip it at a hundredth of the mean.
            series.computeIfAbsent(key.get(0), YIntervalSeries::new).add(axis.value().apply(key.get(1)), mean,
                    Math.max(summary.low() / 1e6, mean / 100), summary.high() / 1e6);
        });
        series.values().forEach(goodput::addSeries);

        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDefaultLinesVisible(true);
        for (int i = 0; i < goodput.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, Charts.colour(goodput.getSeriesKey(i).toString()));
        }
        XYPlot plot = new XYPlot(goodput, new NumberAxis(axis.label()), Charts.logAxis("goodput (Mbit/s)"), renderer);
        ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
        if (referenceLines) {
            data.metadata().ifPresent(metadata -> addReferenceLines(plot, metadata, parameter, axis));
        }
        String name = ReportData.shortName(parameter);
        return new Figure("goodput-vs-" + name.replaceAll("[^A-Za-z0-9]+", "-"),
                "Bulk goodput against " + parameter + " (mean, 95 % CI; logarithmic goodput axis)"
                        + (referenceLines && data.metadata().isPresent() ? "; dashed: the link rate and the Mathis bound." : "."),
                Charts.titled("Goodput against " + name, plot));
    }

    /** A mode's series, or mode and the other swept values when more than one field is swept. */
    private static String seriesName(ReportData data, Measurement m, String parameter) {
        String others = m.parameters().entrySet().stream()
                .filter(e -> !e.getKey().equals(parameter) && !e.getKey().equals(Metrics.FLOW_SIZE))
                .map(e -> ReportData.shortName(e.getKey()) + "=" + e.getValue()).collect(Collectors.joining(", "));
        return others.isEmpty() ? m.mode() : m.mode() + " (" + others + ")";
    }

    private static void addReferenceLines(XYPlot plot, RunMetadata metadata, String parameter, ParameterAxis axis) {
        XYSeries linkRate = new XYSeries("link rate");
        XYSeries mathis = new XYSeries("Mathis bound");
        Map<Double, RunMetadata.VariantInfo> byX = new TreeMap<>();
        metadata.variants().forEach(v -> byX.put(axis.value().apply(v.parameters().get(parameter)), v));
        byX.forEach((x, variant) -> {
            linkRate.add(x.doubleValue(), variant.downRateBitsPerSecond() / 1e6);
            variant.mathisBoundBitsPerSecond().ifPresent(bound -> mathis.add(x.doubleValue(), bound / 1e6));
        });
        XYSeriesCollection references = new XYSeriesCollection();
        references.addSeries(linkRate);
        if (mathis.getItemCount() > 0) {
            references.addSeries(mathis);
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < references.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, Charts.REFERENCE_LINE);
        }
        renderer.setSeriesPaint(0, Color.DARK_GRAY);
        renderer.setSeriesPaint(1, new Color(0x2c, 0xa0, 0x2c));
        plot.setDataset(1, references);
        plot.setRenderer(1, renderer);
    }

    /** The x axis for a swept field whose every value is a number, a percentage, a rate, a duration or a size. */
    private static Optional<ParameterAxis> axisFor(String parameter, Collection<String> values) {
        boolean percent = parameter.endsWith("loss") || values.stream().anyMatch(v -> v.contains("%"));
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
