package org.pepsal.testbed.report;

import org.jfree.chart.JFreeChart;

import java.util.List;

/**
 * One kind of chart of a report. It looks at the data and returns its figures: none when the data has nothing
 * for it (no flows, no sweep), several when it draws one per variant, and a figure without a chart, saying why,
 * when the data is there but cannot be drawn. Adding a chart is writing one class and listing it in
 * {@link Charts#ALL}.
 */
public interface Chart {
    List<Figure> figures(ReportData data);

    /**
     * A drawn chart: {@code name} is the file name (without extension) of its PNG and SVG, {@code caption}
     * what the report says under it. Without a chart, the caption says why it was not drawn.
     */
    record Figure(String name, String caption, JFreeChart chart) {
        public static Figure notDrawn(String name, String why) {
            return new Figure(name, why, null);
        }

        public boolean drawn() {
            return chart != null;
        }
    }
}
