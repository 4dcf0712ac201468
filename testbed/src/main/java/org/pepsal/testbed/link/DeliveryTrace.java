package org.pepsal.testbed.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Mahimahi delivery trace: each entry is a millisecond at which the link may deliver one packet of up to
 * {@link #BYTES_PER_OPPORTUNITY} bytes. The trace repeats with a period of its last entry (Mahimahi's rule).
 */
public record DeliveryTrace(List<Long> opportunityMillis) {
    /** Mahimahi's packet-delivery opportunity size. */
    public static final int BYTES_PER_OPPORTUNITY = 1504;

    public DeliveryTrace {
        opportunityMillis = List.copyOf(opportunityMillis);
        if (opportunityMillis.isEmpty()) {
            throw new IllegalArgumentException("a delivery trace needs at least one opportunity");
        }
        long previous = 0;
        for (long millis : opportunityMillis) {
            if (millis < previous) {
                throw new IllegalArgumentException("trace times must not decrease: " + millis + " after " + previous);
            }
            previous = millis;
        }
        if (previous == 0) {
            throw new IllegalArgumentException("a trace's last entry (its period) must be after 0 ms");
        }
    }

    /** Reads a Mahimahi trace file: one non-negative integer (milliseconds) per line. */
    public static DeliveryTrace read(Path file) throws IOException {
        List<Long> millis = new ArrayList<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file)) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                millis.add(Long.parseLong(line.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ":" + lineNumber + ": not a millisecond count: " + line);
            }
        }
        return new DeliveryTrace(millis);
    }

    /** A trace that delivers {@code bitsPerSecond} evenly, for tests and for describing constant links. */
    public static DeliveryTrace constant(long bitsPerSecond, long periodMillis) {
        long opportunities = bitsPerSecond * periodMillis / 1000 / 8 / BYTES_PER_OPPORTUNITY;
        List<Long> millis = new ArrayList<>();
        for (long i = 1; i <= opportunities; i++) {
            millis.add(i * periodMillis / opportunities);
        }
        return new DeliveryTrace(millis);
    }

    public long periodMillis() {
        return opportunityMillis.get(opportunityMillis.size() - 1);
    }

    public long meanRateBitsPerSecond() {
        return opportunityMillis.size() * BYTES_PER_OPPORTUNITY * 8L * 1000 / periodMillis();
    }
}
