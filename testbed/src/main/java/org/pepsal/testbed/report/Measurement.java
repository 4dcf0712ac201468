package org.pepsal.testbed.report;

import org.pepsal.testbed.scenario.Point;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured value, in long format: which variant (its swept parameters), mode and repetition, what was
 * measured, the value and its unit. One row of results.csv.
 *
 * @param parameters the variant's swept field paths → values, plus qualifiers of the measurement itself
 *                   (e.g. {@link Metrics#FLOW_SIZE} for a flow's completion time)
 * @param mode       {@code plain} or {@code split}
 */
public record Measurement(String variant, Map<String, String> parameters, String mode, int repetition, String metric,
                          double value, String unit) {
    public Measurement {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public static Measurement of(Point point, String metric, double value, String unit) {
        return of(point, Map.of(), metric, value, unit);
    }

    /** @param qualifiers added to the point's parameters, e.g. {@code flow.size → 10000} */
    public static Measurement of(Point point, Map<String, String> qualifiers, String metric, double value, String unit) {
        Map<String, String> parameters = new LinkedHashMap<>(point.variant().parameterText());
        parameters.putAll(qualifiers);
        return new Measurement(point.variant().id(), parameters, point.mode().name(), point.repetition(), metric, value, unit);
    }
}
