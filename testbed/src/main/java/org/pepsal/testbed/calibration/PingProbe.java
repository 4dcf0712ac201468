package org.pepsal.testbed.calibration;

import org.pepsal.testbed.topology.Host;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Idle round-trip time with ping, whose times come from kernel timestamps: an in-process probe pays for thread
 * wake-ups at both ends, which on a busy two-core machine reads up to a millisecond high, the whole tolerance.
 * Its ICMP echo (16 bytes of payload, 44 on the wire) is the size of {@link RttProbe}'s datagrams.
 */
final class PingProbe {
    private static final Pattern SUMMARY = Pattern.compile("= ([\\d.]+)/([\\d.]+)/([\\d.]+)/([\\d.]+) ms");

    private PingProbe() {
    }

    /** The mean RTT in ms of {@code probes} pings sent 10 ms apart (lost ones do not count). */
    static double meanRttMillis(Host near, String farAddress, int probes) {
        int deadlineSeconds = (int) Math.ceil(probes * 0.01) + 5;
        String output = near.exec("ping", "-n", "-q", "-c", Integer.toString(probes), "-i", "0.01", "-s", "16",
                "-w", Integer.toString(deadlineSeconds), farAddress);
        Matcher summary = SUMMARY.matcher(output);
        if (!summary.find()) {
            throw new IllegalStateException("no RTT summary from ping:\n" + output);
        }
        return Double.parseDouble(summary.group(2));
    }
}
