package org.pepsal.testbed.report;

import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Sample;
import org.pepsal.testbed.measure.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What a report is made from: results.csv, and timeseries.csv and metadata.json when the run left them (a
 * report from results.csv alone lacks only the time series and the reference lines).
 */
public record ReportData(List<Measurement> results, List<Sample> timeseries, Optional<RunMetadata> metadata) {
    /** The parameter columns that come from the sweep (not measurement qualifiers such as the flow size). */
    public List<String> sweptParameters() {
        Set<String> names = new LinkedHashSet<>();
        results.forEach(m -> names.addAll(m.parameters().keySet()));
        names.remove(Metrics.FLOW_SIZE);
        return List.copyOf(names);
    }

    /** Variant ids in order, each with its swept parameters. */
    public Map<String, Map<String, String>> variants() {
        Map<String, Map<String, String>> variants = new TreeMap<>();
        for (Measurement m : results) {
            Map<String, String> swept = new LinkedHashMap<>(m.parameters());
            swept.remove(Metrics.FLOW_SIZE);
            variants.putIfAbsent(m.variant(), swept);
        }
        return variants;
    }

    /** A variant's label for axes and tables: its swept values, or its id without a sweep. */
    public String label(String variant) {
        Map<String, String> parameters = variants().getOrDefault(variant, Map.of());
        return parameters.isEmpty() ? variant : parameters.entrySet().stream()
                .map(e -> shortName(e.getKey()) + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** The last part of a field path: {@code link.down.loss} → {@code loss}. */
    public static String shortName(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    public List<String> modes() {
        return results.stream().map(Measurement::mode).distinct().sorted().toList();
    }

    public boolean has(String metric) {
        return results.stream().anyMatch(m -> m.metric().equals(metric));
    }

    /** The repetitions of {@code metric}, grouped by {@code key} and summarised, in the keys' first-seen order. */
    public <K> Map<K, Summary> summarise(String metric, Predicate<Measurement> which, Function<Measurement, K> key) {
        Map<K, List<Double>> groups = new LinkedHashMap<>();
        results.stream().filter(m -> m.metric().equals(metric)).filter(which)
                .forEach(m -> groups.computeIfAbsent(key.apply(m), k -> new ArrayList<>()).add(m.value()));
        Map<K, Summary> summaries = new LinkedHashMap<>();
        groups.forEach((k, values) -> summaries.put(k, Summary.of(values)));
        return summaries;
    }
}
