package org.pepsal.testbed.report;

import org.pepsal.testbed.measure.Metrics;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;

import java.util.List;

/** Bulk goodput of each mode side by side for every variant: bars at the mean, whiskers at the 95 % CI. */
final class PlainVsSplitChart implements Chart {
    @Override
    public List<Figure> figures(ReportData data) {
        if (!data.has(Metrics.GOODPUT)) {
            return List.of();
        }
        DefaultStatisticalCategoryDataset dataset = new DefaultStatisticalCategoryDataset();
        data.summarise(Metrics.GOODPUT, m -> true, m -> List.of(m.mode(), m.variant())).forEach((key, summary) ->
                // The renderer draws "mean ± deviation": given the CI's half-width, it draws the CI.
                dataset.add(summary.mean() / 1e6, summary.halfWidth95() / 1e6, key.get(0), data.label(key.get(1))));
        List<String> swept = data.sweptParameters();
        CategoryAxis variants = new CategoryAxis(swept.isEmpty() ? "scenario" : String.join(", ", swept));
        if (data.variants().size() > 4) {
            variants.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        StatisticalBarRenderer renderer = new StatisticalBarRenderer();
        renderer.setErrorIndicatorPaint(java.awt.Color.BLACK);
        for (int series = 0; series < dataset.getRowCount(); series++) {
            renderer.setSeriesPaint(series, Charts.colour(dataset.getRowKey(series).toString()));
        }
        renderer.setDrawBarOutline(false);
        renderer.setShadowVisible(false);
        renderer.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        CategoryPlot plot = new CategoryPlot(dataset, variants, new NumberAxis("goodput (Mbit/s)"), renderer);
        return List.of(new Figure("goodput-plain-vs-split",
                "Bulk goodput per mode: mean of the repetitions, whiskers at the 95 % confidence interval.",
                Charts.titled("Goodput: plain vs split (mean, 95 % CI)", plot)));
    }
}
