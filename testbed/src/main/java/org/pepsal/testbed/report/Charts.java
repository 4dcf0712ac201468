package org.pepsal.testbed.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.Rectangle;
import java.awt.Stroke;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The report's charts (the registry), their shared look — a colour per mode, a line style per repetition — and
 * the axis ranges every data set can have: a single value, zeros on a logarithmic axis, nothing at all.
 */
public final class Charts {
    /** Every chart a report draws, in the report's order. */
    public static final List<Chart> ALL = List.of(
            new StripChart(org.pepsal.testbed.measure.Metrics.GOODPUT, "goodput-plain-vs-split", "Goodput"),
            new StripChart(org.pepsal.testbed.measure.Metrics.GOODPUT_AFTER_STARTUP, "goodput-after-startup",
                    "Goodput after start-up"),
            new GoodputVsParameterChart(), new GoodputOverTimeChart(), new SenderChart(), new FlowCompletionChart());

    static final int WIDTH = 800;
    static final int HEIGHT = 500;
    /** A log axis's tick labels: the number itself, as many decimals as it needs. */
    private static final DecimalFormat TICK_LABEL = new DecimalFormat("0.#########");
    static final Stroke REFERENCE_LINE = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
            new float[]{6, 4}, 0);
    static final Color REFERENCE = Color.DARK_GRAY;
    /** Mode colours (a colour-blind-safe palette): the baseline first, then the others in their order. */
    private static final Color[] MODE_COLOURS = {new Color(0x00, 0x72, 0xb2), new Color(0xe6, 0x9f, 0x00),
            new Color(0x00, 0x9e, 0x73), new Color(0xcc, 0x79, 0xa7), new Color(0xd5, 0x5e, 0x00),
            new Color(0x56, 0xb4, 0xe9), new Color(0x7f, 0x7f, 0x7f)};
    /** Dash patterns, one per repetition (then they repeat). */
    private static final float[][] DASHES = {null, {8, 4}, {2, 3}, {8, 3, 2, 3}, {12, 6}, {4, 4}, {1, 5},
            {8, 3, 2, 3, 2, 3}};

    private Charts() {
    }

    static {
        // Charts are drawn off-screen: never look for a display.
        System.setProperty("java.awt.headless", "true");
    }

    /** The same colour for a mode in every chart: its place among the run's modes. */
    static Paint colour(ReportData data, String mode) {
        int index = data.modes().indexOf(mode);
        return MODE_COLOURS[Math.floorMod(index < 0 ? mode.hashCode() : index, MODE_COLOURS.length)];
    }

    /** A line style per repetition, so the repetitions of one mode can be told apart. */
    static Stroke repetitionStroke(int repetition) {
        float[] dash = DASHES[Math.floorMod(repetition - 1, DASHES.length)];
        return dash == null ? new BasicStroke(1.5f) : new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10, dash, 0);
    }

    /**
     * Lines of one series per mode and repetition (keys "MODE rN..."): a colour per mode, a line style per
     * repetition.
     */
    static XYLineAndShapeRenderer repetitionLines(ReportData data, Map<String, XYSeries> series,
                                                  Map<String, Integer> repetitionOf, XYSeriesCollection dataset) {
        series.values().forEach(dataset::addSeries);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < dataset.getSeriesCount(); i++) {
            String key = dataset.getSeriesKey(i).toString();
            renderer.setSeriesPaint(i, colour(data, key.split(" ")[0]));
            renderer.setSeriesStroke(i, repetitionStroke(repetitionOf.get(key)));
        }
        return renderer;
    }

    static JFreeChart titled(String title, Plot plot) {
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /**
     * A logarithmic axis (goodputs and times span decades): a tick at every 1 to 9 times a power of ten, labelled
     * with the number itself at each power of ten and, on an axis spanning less than two decades, at 2 and 5
     * times one too, so that values between two powers can be read off. (LogAxis's own ticks are labelled as
     * powers, and it leaves out the minor ticks below its first power of ten.)
     */
    static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label) {
            @Override
            public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
                return decadeTicks(getLowerBound(), getUpperBound(), edge);
            }
        };
        axis.setBase(10);
        axis.setSmallestValue(1e-12);
        axis.setMinorTickMarksVisible(true);
        return axis;
    }

    private static List<ValueTick> decadeTicks(double lower, double upper, RectangleEdge edge) {
        TextAnchor anchor = edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT
                : edge == RectangleEdge.RIGHT ? TextAnchor.CENTER_LEFT
                : edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER;
        boolean labelTwosAndFives = upper / lower < 100;
        List<ValueTick> ticks = new ArrayList<>();
        for (int exponent = (int) Math.floor(Math.log10(lower)); exponent <= Math.ceil(Math.log10(upper)); exponent++) {
            double power = Math.pow(10, exponent);
            for (int multiple = 1; multiple <= 9; multiple++) {
                double value = multiple * power;
                if (value < lower || value > upper) {
                    continue;
                }
                boolean labelled = multiple == 1 || labelTwosAndFives && (multiple == 2 || multiple == 5);
                ticks.add(new NumberTick(multiple == 1 ? TickType.MAJOR : TickType.MINOR, value,
                        labelled ? TICK_LABEL.format(value) : "", anchor, anchor, 0));
            }
        }
        return ticks;
    }

    /**
     * The lowest value a logarithmic axis shows for these values: a tenth of the smallest positive one (values
     * of zero or less are drawn there, at the bottom edge); 1 when none is positive.
     */
    static double logFloor(Collection<Double> values) {
        return values.stream().filter(v -> v > 0 && Double.isFinite(v)).mapToDouble(Double::doubleValue).min()
                .orElse(10) / 10;
    }

    /**
     * Fixes a logarithmic axis's range around positive values: at least a factor of three either side of a single
     * value, so that a range of zero length never reaches JFreeChart.
     */
    static void logRange(ValueAxis axis, Collection<Double> values, double floor) {
        double min = values.stream().filter(v -> v > 0 && Double.isFinite(v)).mapToDouble(Double::doubleValue).min()
                .orElse(floor * 10);
        double max = values.stream().filter(v -> v > 0 && Double.isFinite(v)).mapToDouble(Double::doubleValue).max()
                .orElse(floor * 10);
        double low = Math.min(min, floor);
        axis.setRange(Math.min(low / 1.5, max / 3), Math.max(max * 1.5, low * 3));
    }

    /** Fixes a linear axis's range around values (from zero when none is negative), never of zero length. */
    static void linearRange(ValueAxis axis, Collection<Double> values) {
        double min = values.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).min().orElse(0);
        double max = values.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).max().orElse(1);
        double low = Math.min(0, min);
        double high = max > low ? max + (max - low) * 0.05 : low + Math.max(1, Math.abs(low));
        axis.setRange(low, high);
        if (axis instanceof NumberAxis number) {
            number.setAutoRangeIncludesZero(false);
        }
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

    /** "n = 6", or "n = 4–6" when the groups differ. */
    static String nText(Collection<Integer> counts) {
        int min = counts.stream().mapToInt(Integer::intValue).min().orElse(0);
        int max = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
        return "n = " + (min == max ? Integer.toString(min) : min + "–" + max);
    }
}
