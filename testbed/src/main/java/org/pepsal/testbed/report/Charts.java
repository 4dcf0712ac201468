package org.pepsal.testbed.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.Plot;
import org.jfree.svg.SVGGraphics2D;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.Rectangle;
import java.awt.Stroke;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;

/** The report's charts (the registry), their shared look, and writing them as PNG and SVG. */
public final class Charts {
    /** Every chart a report draws, in the report's order. */
    public static final List<Chart> ALL = List.of(new PlainVsSplitChart(), new GoodputVsParameterChart(),
            new GoodputOverTimeChart(), new FlowCompletionChart());

    static final int WIDTH = 800;
    static final int HEIGHT = 500;
    static final Stroke REFERENCE_LINE = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
            new float[]{6, 4}, 0);
    private static final Color PLAIN = new Color(0x1f, 0x77, 0xb4);
    private static final Color SPLIT = new Color(0xff, 0x7f, 0x0e);

    private Charts() {
    }

    static {
        // Charts are drawn off-screen: never look for a display.
        System.setProperty("java.awt.headless", "true");
    }

    /** The same colour for a mode in every chart. */
    static Paint colour(String mode) {
        return mode.startsWith("split") ? SPLIT : PLAIN;
    }

    static JFreeChart titled(String title, Plot plot) {
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /**
     * A logarithmic axis (goodputs and times span decades) labelled at each power of ten, with plain-number
     * labels, and minor ticks in between.
     */
    static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setSmallestValue(1e-9);
        // The tick unit of a LogAxis counts in exponents: 1 is one tick per decade.
        axis.setTickUnit(new NumberTickUnit(1, new DecimalFormat("0.#########")));
        axis.setMinorTickCount(9);
        axis.setMinorTickMarksVisible(true);
        return axis;
    }

    static void writePng(JFreeChart chart, Path file) {
        try {
            ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The chart as an SVG element (no XML prolog), to embed in HTML or to write as a file. */
    static String svg(JFreeChart chart) {
        SVGGraphics2D graphics = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(graphics, new Rectangle(0, 0, WIDTH, HEIGHT));
        return graphics.getSVGElement();
    }

    static void writeSvg(String svg, Path file) {
        try {
            Files.writeString(file, svg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
