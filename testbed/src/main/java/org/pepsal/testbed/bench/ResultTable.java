package org.pepsal.testbed.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's figures: one value per row, column and round. A row is either relative (shown with its ratio
 * to routing: the median over rounds of that round's value divided by routing's, so a slow drift of the machine
 * touches both sides of each ratio alike) or a plain figure of the relay (its CPU), shown as the median.
 */
final class ResultTable {
    /** A row of the table; {@code relative} rows carry a ratio to the baseline column. */
    record Row(String name, boolean relative) {
    }

    private final String baseline;
    private final List<String> columns;
    private final Map<Row, Map<String, List<Double>>> values = new LinkedHashMap<>();

    ResultTable(String baseline, List<String> columns) {
        this.baseline = baseline;
        this.columns = List.copyOf(columns);
    }

    /** Records round {@code round}'s (from 0) value of a row for a column. */
    void put(Row row, String column, int round, double value) {
        List<Double> rounds = values.computeIfAbsent(row, r -> new LinkedHashMap<>())
                .computeIfAbsent(column, c -> new ArrayList<>());
        while (rounds.size() <= round) {
            rounds.add(Double.NaN);
        }
        rounds.set(round, value);
    }

    double median(Row row, String column) {
        return median(values.getOrDefault(row, Map.of()).getOrDefault(column, List.of()));
    }

    /** The median over rounds of the per-round ratio to the baseline column. */
    double ratio(Row row, String column) {
        List<Double> mine = values.getOrDefault(row, Map.of()).getOrDefault(column, List.of());
        List<Double> base = values.getOrDefault(row, Map.of()).getOrDefault(baseline, List.of());
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(mine.size(), base.size()); i++) {
            ratios.add(mine.get(i) / base.get(i));
        }
        return median(ratios);
    }

    static double median(List<Double> list) {
        double[] sorted = list.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted()
                .toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    void print(PrintStream out) {
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-44s", "median of rounds"));
        for (String column : columns) {
            header.append(String.format(Locale.ROOT, " %14s", column));
            if (!column.equals(baseline)) {
                header.append(String.format(Locale.ROOT, " %6s", "ratio"));
            }
        }
        out.println(header);
        for (Row row : values.keySet()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-44s", row.name()));
            for (String column : columns) {
                line.append(String.format(Locale.ROOT, " %14s", format(median(row, column))));
                if (!column.equals(baseline)) {
                    line.append(String.format(Locale.ROOT, " %6s",
                            row.relative() ? format(ratio(row, column)) : ""));
                }
            }
            out.println(line);
        }
    }

    private static String format(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }
}
