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
 * when present — so charts and report.html can be redrawn at any time without re-running anything.
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
        try {
            Path charts = Files.createDirectories(dir.resolve(CHARTS));
            List<HtmlReport.Drawn> drawn = new ArrayList<>();
            for (Chart chart : Charts.ALL) {
                for (Chart.Figure figure : chart.figures(data)) {
                    String svg = Charts.svg(figure.chart());
                    Charts.writePng(figure.chart(), charts.resolve(figure.name() + ".png"));
                    Charts.writeSvg(svg, charts.resolve(figure.name() + ".svg"));
                    drawn.add(new HtmlReport.Drawn(figure, svg));
                }
            }
            Path html = dir.resolve(HTML);
            Files.writeString(html, HtmlReport.render(data, drawn));
            return html;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report in " + dir, e);
        }
    }
}
