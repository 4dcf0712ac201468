package org.pepsal.testbed.report;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Sample;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * results.csv and timeseries.csv, long format, one value per row:
 * <pre>
 * results.csv:    variant, &lt;one column per parameter&gt;, mode, repetition, leg, metric, bound, value, unit, state, note
 * timeseries.csv: variant, &lt;one column per parameter&gt;, mode, repetition, leg, time_s, bin_s, metric, value, unit
 * </pre>
 * {@code bin_s} is the width of the bin a rate was counted over, the bin ending at {@code time_s}; empty for an
 * instantaneous sample.
 * The parameter columns are the union of every row's parameters (swept fields and qualifiers such as
 * {@code flow.size}; a row without one leaves it empty). {@code bound} is {@code =} for a value, {@code >}
 * for a lower bound (a censored value). The files are read back without anything else.
 */
public final class ResultsCsv {
    static final String VARIANT = "variant";
    static final String MODE = "mode";
    static final String REPETITION = "repetition";
    static final String LEG = "leg";
    static final String TIME = "time_s";
    static final String BIN = "bin_s";
    static final String METRIC = "metric";
    static final String BOUND = "bound";
    static final String VALUE = "value";
    static final String UNIT = "unit";
    static final String STATE = "state";
    static final String NOTE = "note";

    private ResultsCsv() {
    }

    public static void writeResults(Path file, List<Measurement> measurements) {
        write(file, measurements.stream().map(m -> new Sample(Double.NaN, m)).toList(), false);
    }

    public static List<Measurement> readResults(Path file) {
        return read(file).stream().map(Sample::measurement).toList();
    }

    public static void writeTimeseries(Path file, List<Sample> samples) {
        write(file, samples, true);
    }

    public static List<Sample> readTimeseries(Path file) {
        return read(file);
    }

    private static void write(Path file, List<Sample> rows, boolean timeseries) {
        Set<String> parameters = new LinkedHashSet<>();
        rows.forEach(row -> parameters.addAll(row.measurement().parameters().keySet()));
        List<String> header = new ArrayList<>(List.of(VARIANT));
        header.addAll(parameters);
        header.addAll(List.of(MODE, REPETITION, LEG));
        header.addAll(timeseries ? List.of(TIME, BIN, METRIC, VALUE, UNIT) : List.of(METRIC, BOUND, VALUE, UNIT, STATE, NOTE));
        try (Writer writer = Files.newBufferedWriter(file);
             CSVPrinter csv = CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).get().print(writer)) {
            for (Sample row : rows) {
                Measurement m = row.measurement();
                List<Object> values = new ArrayList<>(List.of(m.variant()));
                parameters.forEach(p -> values.add(m.parameters().getOrDefault(p, "")));
                values.addAll(List.of(m.mode(), m.repetition(), m.leg()));
                if (timeseries) {
                    values.addAll(List.of(row.seconds(), Double.isNaN(row.binSeconds()) ? "" : row.binSeconds(), m.metric(),
                            m.value(), m.unit()));
                } else {
                    values.addAll(List.of(m.metric(), m.bound().symbol(), m.value(), m.unit(), m.state(), m.note()));
                }
                csv.printRecord(values);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static List<Sample> read(Path file) {
        try (Reader reader = Files.newBufferedReader(file);
             CSVParser csv = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
            List<String> header = csv.getHeaderNames();
            for (String required : List.of(VARIANT, MODE, REPETITION, METRIC, VALUE, UNIT)) {
                if (!header.contains(required)) {
                    throw new IllegalArgumentException("no column " + required + " (columns: " + header + ")");
                }
            }
            List<String> parameters = header.subList(header.indexOf(VARIANT) + 1, header.indexOf(MODE));
            boolean timeseries = header.contains(TIME);
            List<Sample> rows = new ArrayList<>();
            for (CSVRecord record : csv) {
                Map<String, String> values = new LinkedHashMap<>();
                for (String parameter : parameters) {
                    if (!record.get(parameter).isEmpty()) {
                        values.put(parameter, record.get(parameter));
                    }
                }
                Measurement m = new Measurement(record.get(VARIANT), values, record.get(MODE),
                        Integer.parseInt(record.get(REPETITION)), optional(record, LEG), record.get(METRIC),
                        record.isMapped(BOUND) && !record.get(BOUND).isEmpty() ? Measurement.Bound.ofSymbol(record.get(BOUND))
                                : Measurement.Bound.EXACT,
                        Double.parseDouble(record.get(VALUE)), record.get(UNIT), optional(record, STATE),
                        optional(record, NOTE));
                String bin = optional(record, BIN);
                rows.add(new Sample(timeseries ? Double.parseDouble(record.get(TIME)) : Double.NaN,
                        bin.isEmpty() ? Double.NaN : Double.parseDouble(bin), m));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(file + ": not a results file: " + e.getMessage(), e);
        }
    }

    private static String optional(CSVRecord record, String column) {
        return record.isMapped(column) ? record.get(column) : "";
    }
}
