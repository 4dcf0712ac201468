package org.pepsal.testbed.report;

import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.pepsal.testbed.measure.Measurement;

import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One metric of every mode side by side for every variant: each repetition a point (spread a little so that
 * equal values stay visible), the median of each mode a bar, the link rate a grey bar, on a logarithmic axis
 * (plain TCP near the Mathis bound and split TCP near the link rate lie decades apart). Values of zero, which a
 * logarithmic axis cannot show, are drawn at its bottom edge and counted in the caption.
 */
final class StripChart implements Chart {
    private static final double MODES_WIDTH = 0.7;
    private final String metric;
    private final String name;
    private final String title;

    StripChart(String metric, String name, String title) {
        this.metric = metric;
        this.name = name;
        this.title = title;
    }

    @Override
    public List<Figure> figures(ReportData data) {
        List<Measurement> rows = data.rows(metric);
        if (rows.isEmpty()) {
            return List.of();
        }
        List<String> variants = new ArrayList<>(data.variants().keySet());
        List<String> modes = data.modes().stream().filter(m -> rows.stream().anyMatch(r -> r.mode().equals(m))).toList();
        List<Double> all = new ArrayList<>(rows.stream().map(Measurement::value).toList());
        variants.forEach(v -> data.linkRate(v).ifPresent(all::add));
        double floor = Charts.logFloor(all) / 1e6;
        int maxRepetition = rows.stream().mapToInt(Measurement::repetition).max().orElse(1);
        double modeWidth = MODES_WIDTH / modes.size();

        XYSeriesCollection points = new XYSeriesCollection();
        XYSeriesCollection medians = new XYSeriesCollection();
        long zeros = rows.stream().filter(r -> r.value() <= 0).count();
        for (int m = 0; m < modes.size(); m++) {
            String mode = modes.get(m);
            Map<String, List<Measurement>> byVariant = new LinkedHashMap<>();
            rows.stream().filter(r -> r.mode().equals(mode))
                    .forEach(r -> byVariant.computeIfAbsent(r.variant(), k -> new ArrayList<>()).add(r));
            String key = mode + " (" + Charts.nText(byVariant.values().stream().map(List::size).toList()) + ")";
            XYSeries repetitions = new XYSeries(key, false);
            XYSeries median = new XYSeries(mode + " median", false);
            double offset = -MODES_WIDTH / 2 + modeWidth * (m + 0.5);
            byVariant.forEach((variant, values) -> {
                double x = variants.indexOf(variant) + offset;
                for (Measurement r : values) {
                    double spread = maxRepetition == 1 ? 0 : ((r.repetition() - 1.0) / (maxRepetition - 1) - 0.5) * modeWidth * 0.5;
                    repetitions.add(x + spread, Math.max(r.value() / 1e6, floor));
                }
                double mid = data.summarise(metric, r -> r.variant().equals(variant) && r.mode().equals(mode),
                        r -> 0).get(0).median().value();
                median.add(x, Math.max(mid / 1e6, floor));
            });
            points.addSeries(repetitions);
            medians.addSeries(median);
        }
        XYSeries link = new XYSeries("link rate", false);
        variants.forEach(v -> data.linkRate(v).ifPresent(rate -> link.add(variants.indexOf(v), rate / 1e6)));

        SymbolAxis domain = new SymbolAxis(data.sweptParameters().isEmpty() ? "variant"
                : String.join(", ", data.sweptParameters()), variants.stream().map(data::label).toArray(String[]::new));
        domain.setRange(-0.5, variants.size() - 0.5);
        domain.setGridBandsVisible(false);
        var range = Charts.logAxis(title.toLowerCase() + " (Mbit/s)");
        List<Double> shown = new ArrayList<>(all.stream().map(v -> v / 1e6).toList());
        Charts.logRange(range, shown, floor);

        XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
        XYLineAndShapeRenderer bars = new XYLineAndShapeRenderer(false, true);
        Shape dot = new Ellipse2D.Double(-3.5, -3.5, 7, 7);
        Shape bar = new Rectangle2D.Double(-modeWidth * 40, -2.5, modeWidth * 80, 5);
        bars.setUseOutlinePaint(true);
        bars.setDrawOutlines(true);
        bars.setDefaultOutlinePaint(java.awt.Color.BLACK);
        for (int m = 0; m < modes.size(); m++) {
            dots.setSeriesPaint(m, Charts.colour(data, modes.get(m)));
            dots.setSeriesShape(m, dot);
            bars.setSeriesPaint(m, Charts.colour(data, modes.get(m)));
            bars.setSeriesShape(m, bar);
            bars.setSeriesVisibleInLegend(m, false);
        }
        XYPlot plot = new XYPlot(points, domain, range, dots);
        plot.setDataset(1, medians);
        plot.setRenderer(1, bars);
        if (link.getItemCount() > 0) {
            XYLineAndShapeRenderer linkBar = new XYLineAndShapeRenderer(false, true);
            linkBar.setSeriesPaint(0, Charts.REFERENCE);
            linkBar.setSeriesShape(0, new Rectangle2D.Double(-MODES_WIDTH * 40, -1, MODES_WIDTH * 80, 2));
            plot.setDataset(2, new XYSeriesCollection(link));
            plot.setRenderer(2, linkBar);
        }
        String caption = title + " of every repetition (dots) per mode and variant; bars: each mode's median"
                + (link.getItemCount() > 0 ? "; grey: the satellite link's rate in the data direction" : "")
                + "; logarithmic axis" + (zeros > 0 ? "; " + zeros + " value(s) of zero drawn at the bottom edge" : "") + ".";
        return List.of(new Figure(name, caption, Charts.titled(title + " per mode, every repetition", plot)));
    }
}
