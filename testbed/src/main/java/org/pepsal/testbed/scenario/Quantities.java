package org.pepsal.testbed.scenario;

import org.pepsal.proxy.link.LinkUnits;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * The units a scenario file writes its figures in ({@code 20 Mbit/s}, {@code 300 ms}, {@code 10 KB},
 * {@code 1 %}): units are spelled out in the file so that nobody has to guess whether a bare 300 is
 * milliseconds or seconds. Each parser throws {@link IllegalArgumentException} with a message that says what
 * it expected; the caller adds the field. Rates and durations are read as the proxy reads its link options.
 */
public final class Quantities {
    /** Decimal (KB = 1000 B, as flow sizes are usually quoted) and binary (KiB = 1024 B) units. */
    private static final Map<String, Double> BYTE_UNITS = Map.of(
            "B", 1.0, "KB", 1e3, "MB", 1e6, "GB", 1e9, "KiB", 1024.0, "MiB", 1024.0 * 1024, "GiB", 1024.0 * 1024 * 1024);

    private Quantities() {
    }

    /** A rate: {@code 20 Mbit/s}, {@code 1 Gbps}, or a bare number of bit/s. Must be positive. */
    public static long bitsPerSecond(String text) {
        return LinkUnits.bitsPerSecond(text);
    }

    /** A duration with its unit: {@code 300 ms}, {@code 1.5 s}, {@code 2 min}. Must not be negative. */
    public static Duration duration(String text) {
        return LinkUnits.duration(text);
    }

    /** A size: {@code 10 KB} (1000 B), {@code 64 MiB}, or a bare number of bytes. Must be positive. */
    public static long bytes(String text) {
        double bytes = LinkUnits.scaled(text, BYTE_UNITS, 1.0, "a size such as 10 KB or 64 MiB");
        if (bytes < 1) {
            throw new IllegalArgumentException("a size must be at least 1 B, not " + text.strip());
        }
        return Math.round(bytes);
    }

    /** A probability: a number within [0, 1], or a percentage such as {@code 1 %}. */
    public static double probability(String text) {
        Matcher m = LinkUnits.numberAndUnit(text);
        if (m == null || !(m.group(2).isEmpty() || m.group(2).equals("%"))) {
            throw new IllegalArgumentException("expected a probability (0.01 or 1 %), not " + text.strip());
        }
        double value = Double.parseDouble(m.group(1)) / (m.group(2).isEmpty() ? 1 : 100);
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("a probability must be within [0, 1], not " + text.strip());
        }
        return value;
    }

    /** A positive fraction, {@code 0.5} or {@code 50 %}, which may exceed 1 ({@code 2} or {@code 200 %}). */
    public static double fraction(String text) {
        Matcher m = LinkUnits.numberAndUnit(text);
        if (m == null || !(m.group(2).isEmpty() || m.group(2).equals("%"))) {
            throw new IllegalArgumentException("expected a fraction (0.5 or 50 %), not " + text.strip());
        }
        double value = Double.parseDouble(m.group(1)) / (m.group(2).isEmpty() ? 1 : 100);
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("a fraction must be positive, not " + text.strip());
        }
        return value;
    }

    /** Formats bit/s for people: {@code 20 Mbit/s}. */
    public static String formatRate(double bitsPerSecond) {
        if (bitsPerSecond >= 1e9) {
            return trim(bitsPerSecond / 1e9) + " Gbit/s";
        }
        if (bitsPerSecond >= 1e6) {
            return trim(bitsPerSecond / 1e6) + " Mbit/s";
        }
        return bitsPerSecond >= 1e3 ? trim(bitsPerSecond / 1e3) + " kbit/s" : trim(bitsPerSecond) + " bit/s";
    }

    /** Formats a size for people in decimal units: {@code 10 KB}. */
    public static String formatBytes(double bytes) {
        if (bytes >= 1e9) {
            return trim(bytes / 1e9) + " GB";
        }
        if (bytes >= 1e6) {
            return trim(bytes / 1e6) + " MB";
        }
        return bytes >= 1e3 ? trim(bytes / 1e3) + " KB" : trim(bytes) + " B";
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format("%.3g", value);
    }
}
