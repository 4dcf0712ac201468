package org.pepsal.proxy.link;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The units operators and scenario files write a link in: {@code 20Mbit/s} or {@code 20 Mbit/s}, {@code 600ms}.
 * Units are spelled out so that nobody has to guess whether a bare 600 is milliseconds or seconds. Each parser
 * throws {@link IllegalArgumentException} saying what it expected; the caller adds the option or field.
 */
public final class LinkUnits {
    private static final Pattern NUMBER_AND_UNIT =
            Pattern.compile("\\s*(-?[0-9]+(?:\\.[0-9]+)?(?:[eE]-?[0-9]+)?)\\s*([A-Za-zµ/%]*)\\s*");
    private static final Map<String, Double> RATE_UNITS = Map.of(
            "bit/s", 1.0, "bps", 1.0, "kbit/s", 1e3, "kbps", 1e3, "Mbit/s", 1e6, "Mbps", 1e6, "Gbit/s", 1e9, "Gbps", 1e9);
    private static final Map<String, Double> DURATION_NANOS = Map.of(
            "us", 1e3, "µs", 1e3, "ms", 1e6, "s", 1e9, "min", 60e9);

    private LinkUnits() {
    }

    /** A rate: {@code 20 Mbit/s}, {@code 1 Gbps}, or a bare number of bit/s. Must be positive. */
    public static long bitsPerSecond(String text) {
        double bits = scaled(text, RATE_UNITS, 1.0, "a rate such as 20 Mbit/s");
        if (bits <= 0) {
            throw new IllegalArgumentException("a rate must be positive, not " + text.strip());
        }
        return Math.round(bits);
    }

    /** A duration with its unit: {@code 300 ms}, {@code 1.5 s}, {@code 2 min}. Must not be negative. */
    public static Duration duration(String text) {
        double nanos = scaled(text, DURATION_NANOS, null, "a duration with a unit such as 300 ms or 15 s");
        if (nanos < 0) {
            throw new IllegalArgumentException("a duration must not be negative, not " + text.strip());
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** The number and unit of {@code text}, or null when it is not a number followed by letters, / or %. */
    public static Matcher numberAndUnit(String text) {
        Matcher m = NUMBER_AND_UNIT.matcher(text);
        return m.matches() ? m : null;
    }

    /** @param bareScale the unit of a bare number, or null when a unit is required */
    public static double scaled(String text, Map<String, Double> units, Double bareScale, String expected) {
        Matcher m = numberAndUnit(text);
        if (m == null) {
            throw new IllegalArgumentException("expected " + expected + ", not '" + text.strip() + "'");
        }
        Double scale = m.group(2).isEmpty() ? bareScale : units.get(m.group(2));
        if (scale == null) {
            throw new IllegalArgumentException("expected " + expected + " (units: " + String.join(", ",
                    units.keySet().stream().sorted().toList()) + "), not '" + text.strip() + "'");
        }
        return Double.parseDouble(m.group(1)) * scale;
    }
}
