package org.pepsal.testbed.report;

import org.pepsal.testbed.measure.Metrics;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Flow completion time against flow size, both axes logarithmic, one chart per variant, one line per mode. */
final class FlowCompletionChart implements Chart {
    @Override
    public List<Figure> figures(ReportData data) {
        Map<String, Map<String, YIntervalSeries>> byVariant = new LinkedHashMap<>();
        data.summarise(Metrics.FLOW_COMPLETION_TIME, m -> m.parameters().containsKey(Metrics.FLOW_SIZE),
                m -> List.of(m.variant(), m.mode(), m.parameters().get(Metrics.FLOW_SIZE))).forEach((key, summary) ->
                byVariant.computeIfAbsent(key.get(0), v -> new LinkedHashMap<>())
                        .computeIfAbsent(key.get(1), YIntervalSeries::new)
                        .add(Double.parseDouble(key.get(2)), summary.mean(),
                                // A logarithmic axis cannot draw an interval reaching zero.
                                Math.max(summary.low(), summary.mean() / 100), summary.high()));
        List<Figure> figures = new ArrayList<>();
        byVariant.forEach((variant, series) -> {
            YIntervalSeriesCollection dataset = new YIntervalSeriesCollection();
            series.values().forEach(dataset::addSeries);
            XYErrorRenderer renderer = new XYErrorRenderer();
            renderer.setDefaultLinesVisible(true);
            for (int i = 0; i < dataset.getSeriesCount(); i++) {
                renderer.setSeriesPaint(i, Charts.colour(dataset.getSeriesKey(i).toString()));
            }
            XYPlot plot = new XYPlot(dataset, Charts.logAxis("flow size (bytes)"),
                    Charts.logAxis("flow completion time (s)"), renderer);
            String label = data.label(variant);
            figures.add(new Figure("flow-completion-" + variant,
                    "Flow completion time per size (mean, 95 % CI; logarithmic axes), " + label + ".",
                    Charts.titled("Flow completion time: " + label, plot)));
        });
        return figures;
    }
}
