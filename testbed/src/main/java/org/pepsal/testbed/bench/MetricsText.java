package org.pepsal.testbed.bench;

/** Values read from the proxy's metrics page (the Prometheus text format, as Micrometer prints it). */
final class MetricsText {
    private MetricsText() {
    }

    /**
     * The sum of every sample of {@code name} whose labels contain {@code labels} ({@code id="direct"}; empty: all
     * of them); NaN when there is none.
     */
    static double sum(String text, String name, String labels) {
        double sum = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + " ") || line.startsWith(name + "{"))) {
                continue;
            }
            int end = line.lastIndexOf(' ');
            String series = line.substring(0, end);
            if (series.contains(labels)) {
                sum += Double.parseDouble(line.substring(end + 1).strip());
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }
}
