package org.pepsal.testbed.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders a run folder's report from its files alone — results.csv, and timeseries.csv and metadata.json
 * when present — so charts and report.html can be redrawn at any time without re-running anything. A chart
 * that cannot be drawn says why in the report; the report itself is always written.
 */
public final class Report {
    public static final String RESULTS = "results.csv";
    public static final String TIMESERIES = "timeseries.csv";
    public static final String METADATA = "metadata.json";
    public static final String HTML = "report.html";
    public static final String CHARTS = "charts";

    private Report() {
    }

    /** Writes {@code charts/*.png|svg} and {@code report.html} into {@code dir}; returns the report's path. */
    public static Path render(Path dir) {
        Path results = dir.resolve(RESULTS);
        if (!Files.isRegularFile(results)) {
            throw new IllegalArgumentException("no " + RESULTS + " in " + dir + ": not a run folder");
        }
        Path timeseries = dir.resolve(TIMESERIES);
        Path metadata = dir.resolve(METADATA);
        ReportData data = new ReportData(ResultsCsv.readResults(results),
                Files.isRegularFile(timeseries) ? ResultsCsv.readTimeseries(timeseries) : List.of(),
                Files.isRegularFile(metadata) ? Optional.of(RunMetadata.read(metadata)) : Optional.empty());
        return render(data, dir);
    }

    static Path render(ReportData data, Path dir) {
        try {
            Path charts = Files.createDirectories(dir.resolve(CHARTS));
            List<HtmlReport.Drawn> drawn = new ArrayList<>();
            for (Chart chart : Charts.ALL) {
                for (Chart.Figure figure : figures(chart, data)) {
                    drawn.add(draw(figure, charts));
                }
            }
            Path html = dir.resolve(HTML);
            Files.writeString(html, HtmlReport.render(data, drawn));
            return html;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report in " + dir, e);
        }
    }

    /** A chart's figures; a chart that fails on this data becomes one figure saying so, not a missing report. */
    private static List<Chart.Figure> figures(Chart chart, ReportData data) {
        try {
            return chart.figures(data);
        } catch (RuntimeException e) {
            return List.of(Chart.Figure.notDrawn(chart.getClass().getSimpleName(), "this chart failed on this data: " + e));
        }
    }

    private static HtmlReport.Drawn draw(Chart.Figure figure, Path charts) {
        if (!figure.drawn()) {
            return new HtmlReport.Drawn(figure, null);
        }
        try {
            String svg = Charts.svg(figure.chart());
            Charts.writePng(figure.chart(), charts.resolve(figure.name() + ".png"));
            Charts.writeSvg(svg, charts.resolve(figure.name() + ".svg"));
            return new HtmlReport.Drawn(figure, svg);
        } catch (RuntimeException e) {
            return new HtmlReport.Drawn(Chart.Figure.notDrawn(figure.name(), "drawing failed: " + e), null);
        }
    }
}
