package org.pepsal.testbed.report.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A paired comparison of two modes: for every repetition both ran (same repetition, same link seed, so the
 * same loss pattern), the ratio of their values; then the ratios' median and exact interval. A ratio is left
 * out when the baseline is zero or censored (the ratio would only have an upper bound); a censored value
 * over an exact baseline gives a lower bound on the ratio.
 *
 * @param ratio    the ratios' summary, null when no repetition gave one
 * @param excluded repetitions present in both modes whose ratio could not be formed, with why
 */
public record Paired(Summary ratio, List<String> excluded) {
    /** @return null when no repetition ran in both modes */
    public static Paired of(Map<Integer, Estimate> baseline, Map<Integer, Estimate> other) {
        List<Estimate> ratios = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        List<Integer> both = other.keySet().stream().filter(baseline::containsKey).sorted().toList();
        both.forEach(repetition -> {
            Estimate base = baseline.get(repetition);
            Estimate value = other.get(repetition);
            if (base.lowerBound()) {
                excluded.add("r" + repetition + ": the baseline is only a lower bound");
            } else if (base.value() == 0) {
                excluded.add("r" + repetition + ": the baseline is zero");
            } else {
                ratios.add(new Estimate(value.value() / base.value(), value.lowerBound()));
            }
        });
        return both.isEmpty() ? null : new Paired(ratios.isEmpty() ? null : Summary.of(ratios), List.copyOf(excluded));
    }
}
