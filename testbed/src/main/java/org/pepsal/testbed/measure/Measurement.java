package org.pepsal.testbed.measure;

import org.pepsal.testbed.scenario.Point;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured value, in long format: which variant (its swept parameters), mode and repetition, which leg
 * or path it was measured on, what was measured, the value and its unit. One row of results.csv.
 *
 * <p>A value may be censored: {@link Bound#LOWER} says the true value is at least {@code value} (a flow that
 * timed out after 60 s took "&gt; 60 s"). {@code state} says how the measured thing ended (completed,
 * timed-out, failed, reached, not-reached, ok) or names what the row records (a congestion control's name);
 * {@code note} explains a failure.
 *
 * @param parameters the variant's swept field paths → values, plus qualifiers of the measurement itself
 *                   (e.g. {@link Metrics#FLOW_SIZE} for a flow's completion time)
 * @param mode       the mode's name ({@code plain}, {@code split}, ...)
 * @param leg        where it was measured: one of {@link Legs}' names
 */
public record Measurement(String variant, Map<String, String> parameters, String mode, int repetition, String leg,
                          String metric, Bound bound, double value, String unit, String state, String note) {
    /** Whether {@code value} is the value itself or only a bound on it. */
    public enum Bound {
        EXACT("="), LOWER(">");

        private final String symbol;

        Bound(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        public static Bound ofSymbol(String symbol) {
            for (Bound bound : values()) {
                if (bound.symbol.equals(symbol)) {
                    return bound;
                }
            }
            throw new IllegalArgumentException("a bound is '=' or '>', not '" + symbol + "'");
        }
    }

    public Measurement {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        leg = leg == null ? "" : leg;
        bound = bound == null ? Bound.EXACT : bound;
        state = state == null ? "" : state;
        note = note == null ? "" : note;
    }

    public static Measurement of(Point point, String leg, String metric, double value, String unit) {
        return of(point, Map.of(), leg, metric, value, unit);
    }

    /** @param qualifiers added to the point's parameters, e.g. {@code flow.size → 10000} */
    public static Measurement of(Point point, Map<String, String> qualifiers, String leg, String metric, double value,
                                 String unit) {
        Map<String, String> parameters = new LinkedHashMap<>(point.variant().parameterText());
        parameters.putAll(qualifiers);
        return new Measurement(point.variant().id(), parameters, point.mode().name(), point.repetition(), leg, metric,
                Bound.EXACT, value, unit, "", "");
    }

    /** The same value as a lower bound: the true value is at least this. */
    public Measurement lowerBound() {
        return new Measurement(variant, parameters, mode, repetition, leg, metric, Bound.LOWER, value, unit, state, note);
    }

    public Measurement withState(String newState) {
        return new Measurement(variant, parameters, mode, repetition, leg, metric, bound, value, unit, newState, note);
    }

    public Measurement withNote(String newNote) {
        return new Measurement(variant, parameters, mode, repetition, leg, metric, bound, value, unit, state, newNote);
    }

    public boolean censored() {
        return bound == Bound.LOWER;
    }

    /** The value as people read it: {@code > 60.0} for a lower bound. */
    public String boundSymbol() {
        return censored() ? bound.symbol() + " " : "";
    }
}
