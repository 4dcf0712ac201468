package org.pepsal.testbed.report;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

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
 * results.csv and timeseries.csv, long format: {@code variant, <one column per parameter>, mode, repetition,
 * [time_s,] metric, value, unit}. The parameter columns are the union of every row's parameters (a row
 * without one leaves it empty), so the file can be read back without anything else.
 */
public final class ResultsCsv {
    static final String VARIANT = "variant";
    static final String MODE = "mode";
    static final String REPETITION = "repetition";
    static final String TIME = "time_s";
    static final String METRIC = "metric";
    static final String VALUE = "value";
    static final String UNIT = "unit";

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

    private static void write(Path file, List<Sample> rows, boolean withTime) {
        Set<String> parameters = new LinkedHashSet<>();
        rows.forEach(row -> parameters.addAll(row.measurement().parameters().keySet()));
        List<String> header = new ArrayList<>(List.of(VARIANT));
        header.addAll(parameters);
        header.addAll(List.of(MODE, REPETITION));
        if (withTime) {
            header.add(TIME);
        }
        header.addAll(List.of(METRIC, VALUE, UNIT));
        try (Writer writer = Files.newBufferedWriter(file);
             CSVPrinter csv = CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).get().print(writer)) {
            for (Sample row : rows) {
                Measurement m = row.measurement();
                List<Object> values = new ArrayList<>(List.of(m.variant()));
                parameters.forEach(p -> values.add(m.parameters().getOrDefault(p, "")));
                values.addAll(List.of(m.mode(), m.repetition()));
                if (withTime) {
                    values.add(row.seconds());
                }
                values.addAll(List.of(m.metric(), m.value(), m.unit()));
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
            int first = header.indexOf(VARIANT) + 1;
            List<String> parameters = header.subList(first, header.indexOf(MODE));
            boolean withTime = header.contains(TIME);
            List<Sample> rows = new ArrayList<>();
            for (CSVRecord record : csv) {
                Map<String, String> values = new LinkedHashMap<>();
                for (String parameter : parameters) {
                    if (!record.get(parameter).isEmpty()) {
                        values.put(parameter, record.get(parameter));
                    }
                }
                Measurement m = new Measurement(record.get(VARIANT), values, record.get(MODE),
                        Integer.parseInt(record.get(REPETITION)), record.get(METRIC),
                        Double.parseDouble(record.get(VALUE)), record.get(UNIT));
                rows.add(new Sample(withTime ? Double.parseDouble(record.get(TIME)) : Double.NaN, m));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a results file: " + e.getMessage(), e);
        }
    }
}
