package org.pepsal.testbed.measure;

import java.util.ArrayList;
import java.util.List;

/** Rows for results.csv and timeseries.csv made from one source, and why the point must fail, if it must. */
public record Measured(List<Measurement> rows, List<Sample> samples, List<String> failures) {
    public Measured {
        rows = List.copyOf(rows);
        samples = List.copyOf(samples);
        failures = List.copyOf(failures);
    }

    public Measured(List<Measurement> rows, List<Sample> samples) {
        this(rows, samples, List.of());
    }

    public static final Measured NONE = new Measured(List.of(), List.of());

    public Measured plus(Measured other) {
        List<Measurement> allRows = new ArrayList<>(rows);
        allRows.addAll(other.rows);
        List<Sample> allSamples = new ArrayList<>(samples);
        allSamples.addAll(other.samples);
        List<String> allFailures = new ArrayList<>(failures);
        allFailures.addAll(other.failures);
        return new Measured(allRows, allSamples, allFailures);
    }
}
