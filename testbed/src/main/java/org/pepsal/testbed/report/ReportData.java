package org.pepsal.testbed.report;

import org.pepsal.testbed.measure.Legs;
import org.pepsal.testbed.measure.LinkHealth;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;
import org.pepsal.testbed.measure.Sample;
import org.pepsal.testbed.report.stats.Estimate;
import org.pepsal.testbed.report.stats.Summary;
import org.pepsal.testbed.scenario.Mode;

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
 * What a report is made from: results.csv, and timeseries.csv and metadata.json when the run left them. The
 * rows carry what the charts need (the links as configured, the congestion control in use, each point's
 * status), so a report from results.csv alone lacks only the time series and the run's metadata.
 */
public record ReportData(List<Measurement> results, List<Sample> timeseries, Optional<RunMetadata> metadata) {
    private static final Set<String> QUALIFIERS = Set.of(Metrics.FLOW_SIZE, Metrics.FLOW_ROUND, Metrics.STREAM);

    /** The parameter columns that come from the sweep (not qualifiers such as the flow size). */
    public List<String> sweptParameters() {
        Set<String> names = new LinkedHashSet<>();
        results.forEach(m -> names.addAll(m.parameters().keySet()));
        names.removeAll(QUALIFIERS);
        return List.copyOf(names);
    }

    /** Variant ids in order, each with its swept parameters. */
    public Map<String, Map<String, String>> variants() {
        Map<String, Map<String, String>> variants = new TreeMap<>();
        for (Measurement m : results) {
            variants.computeIfAbsent(m.variant(), v -> swept(m));
        }
        return variants;
    }

    private static Map<String, String> swept(Measurement m) {
        Map<String, String> swept = new LinkedHashMap<>(m.parameters());
        swept.keySet().removeAll(QUALIFIERS);
        return swept;
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

    /**
     * The modes: in the scenario's order when metadata.json is at hand, else the baseline ({@code plain}) first and
     * the others as they first appear.
     */
    public List<String> modes() {
        List<String> seen = results.stream().map(Measurement::mode).distinct().toList();
        List<String> modes = new ArrayList<>();
        metadata.ifPresent(m -> m.modes().stream().map(Mode::name).filter(seen::contains).forEach(modes::add));
        String baseline = Mode.baseline(seen);
        if (baseline != null && !modes.contains(baseline)) {
            modes.add(0, baseline);
        }
        seen.stream().filter(m -> !modes.contains(m)).forEach(modes::add);
        return modes;
    }

    public String baselineMode() {
        return Mode.baseline(results.stream().map(Measurement::mode).distinct().toList());
    }

    /** The rows of a metric, of points that did not fail. */
    public List<Measurement> rows(String metric) {
        Set<String> failed = failedPoints().stream().map(ReportData::pointKey).collect(Collectors.toSet());
        return results.stream().filter(m -> m.metric().equals(metric) && !failed.contains(pointKey(m))).toList();
    }

    public boolean has(String metric) {
        return !rows(metric).isEmpty();
    }

    /** The status rows of points that failed, each with its reason in its note. */
    public List<Measurement> failedPoints() {
        return results.stream().filter(m -> m.metric().equals(Metrics.POINT_STATUS) && m.state().equals("failed")).toList();
    }

    /**
     * The points whose link was unhealthy ({@link Metrics#POINT_HEALTH} flagged), each with why: point key →
     * reason, in point order. Flagged points stay in the statistics unless the scenario failed them.
     */
    public Map<String, String> flaggedPoints() {
        Map<String, String> flagged = new TreeMap<>();
        results.stream().filter(m -> m.metric().equals(Metrics.POINT_HEALTH) && m.state().equals(LinkHealth.FLAGGED))
                .forEach(m -> flagged.put(pointKey(m), m.note()));
        return flagged;
    }

    /** The repetitions of a variant and mode whose points were flagged, in order. */
    public List<Integer> flaggedRepetitions(String variant, String mode) {
        return results.stream().filter(m -> m.metric().equals(Metrics.POINT_HEALTH) && m.state().equals(LinkHealth.FLAGGED)
                && m.variant().equals(variant) && m.mode().equals(mode)).map(Measurement::repetition).sorted().toList();
    }

    public static String pointKey(Measurement m) {
        return m.variant() + "-" + m.mode() + "-r" + m.repetition();
    }

    /** The repetitions of {@code metric} (censored ones as lower bounds), grouped by {@code key} and summarised. */
    public <K> Map<K, Summary> summarise(String metric, Predicate<Measurement> which, Function<Measurement, K> key) {
        Map<K, List<Estimate>> groups = new LinkedHashMap<>();
        rows(metric).stream().filter(which).forEach(m -> groups.computeIfAbsent(key.apply(m), k -> new ArrayList<>())
                .add(estimate(m)));
        Map<K, Summary> summaries = new LinkedHashMap<>();
        groups.forEach((k, values) -> summaries.put(k, Summary.of(values)));
        return summaries;
    }

    public static Estimate estimate(Measurement m) {
        return new Estimate(m.value(), m.censored());
    }

    /** A figure of a variant that every point records the same way (a configured link rate), if any point did. */
    public Optional<Double> figure(String variant, String leg, String metric) {
        return rows(metric).stream().filter(m -> m.variant().equals(variant) && m.leg().equals(leg))
                .map(Measurement::value).findFirst();
    }

    /** The satellite link's rate in the data direction: the path capacity row's state names the direction. */
    public Optional<Double> linkRate(String variant) {
        Optional<String> direction = rows(Metrics.PATH_CAPACITY).stream().filter(m -> m.variant().equals(variant))
                .map(Measurement::state).findFirst();
        return direction.flatMap(d -> figure(variant, Legs.link(Legs.SATELLITE, d), Metrics.LINK_RATE));
    }

    /** The congestion controls the senders of a leg ran, by name, in one variant and mode. */
    public Set<String> congestionControls(String variant, String mode, String leg) {
        return rows(Metrics.CONGESTION_CONTROL).stream()
                .filter(m -> m.variant().equals(variant) && m.mode().equals(mode) && m.leg().equals(leg))
                .map(Measurement::state).collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
