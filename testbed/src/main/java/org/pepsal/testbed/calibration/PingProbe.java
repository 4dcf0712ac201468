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

    /**
     * Pings sent first and not counted (lost or not): a fresh path's first packets pay for its first use (the
     * emulator's code paths still being compiled, route and neighbour lookups). Without them the first path
     * measurement of 18 of 20 fresh quick-geo topologies was out of tolerance and only the second passed.
     */
    static final int WARM_UP_PROBES = 5;

    /** The mean RTT in ms of {@code probes} pings sent 10 ms apart (lost ones do not count), after a warm-up. */
    static double meanRttMillis(Host near, String farAddress, int probes) {
        near.tryExec("ping", "-n", "-q", "-c", Integer.toString(WARM_UP_PROBES), "-i", "0.01", "-s", "16", "-w", "5",
                farAddress);
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
