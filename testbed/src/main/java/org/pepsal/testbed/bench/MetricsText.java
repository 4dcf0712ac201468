package org.pepsal.testbed.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Values read from the proxy's metrics page (the Prometheus text format, as Micrometer prints it). */
final class MetricsText {
    private MetricsText() {
    }

    /**
     * The sum of every sample of {@code name} whose labels contain {@code labels} ({@code id="direct"}; empty: all
     * of them); NaN when there is none.
     */
    static double sum(String text, String name, String labels) {
        return samples(text, name).entrySet().stream().filter(e -> e.getKey().contains(labels))
                .mapToDouble(Map.Entry::getValue).reduce(Double::sum).orElse(Double.NaN);
    }

    /** Every sample of {@code name}: its labels as printed (e.g. {@code {leg="client",kind="reset"}}) to its value. */
    static Map<String, Double> samples(String text, String name) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + " ") || line.startsWith(name + "{"))) {
                continue;
            }
            int end = line.lastIndexOf(' ');
            samples.merge(line.substring(name.length(), end), Double.parseDouble(line.substring(end + 1).strip()),
                    Double::sum);
        }
        return samples;
    }
}
