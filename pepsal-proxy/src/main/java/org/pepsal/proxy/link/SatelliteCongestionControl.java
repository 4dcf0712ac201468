package org.pepsal.proxy.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The satellite leg's congestion control on a link-aware proxy whose operator names none: {@code pepsal_sat}
 * (pepsal-proxy/src/main/bpf/pepsal_sat.bpf.c) where the kernel has it registered, else BBR with a warning.
 * Measured on GEO with 1 % loss behind a stock client (docs/deployment.md), BBR v1 leaves its start-up at the
 * rate the client's growing receive window lets through (those samples are not app-limited, so it takes them for
 * the path's) and drains the pipe for ProbeRTT every 10 s; pepsal_sat sends at the pacer's share as soon as the
 * window allows and does not back off on the link's random loss. It is a BPF program that a set-up step registers
 * ({@code scripts/satcc.sh load}), so a proxy must run where it is not.
 */
public final class SatelliteCongestionControl {
    /** The known-rate congestion control, once registered. */
    public static final String KNOWN_RATE = "pepsal_sat";
    /** Where it is not: paces, and does not halve on random loss as CUBIC and Reno do. */
    public static final String FALLBACK = "bbr";
    /** The kernel's list; one for all network namespaces (a BPF struct_ops algorithm registers machine-wide). */
    static final Path AVAILABLE = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");

    /**
     * @param algorithm the congestion control to set on satellite-side sockets
     * @param warning   why it is not {@link #KNOWN_RATE}, for the log; null when it is
     */
    public record Choice(String algorithm, String warning) {
    }

    private SatelliteCongestionControl() {
    }

    /** The choice given the algorithms the kernel has ({@link #available()}). */
    public static Choice choose(Set<String> available) {
        if (available.contains(KNOWN_RATE)) {
            return new Choice(KNOWN_RATE, null);
        }
        return new Choice(FALLBACK, KNOWN_RATE + " is not registered (scripts/satcc.sh load registers it; available: "
                + (available.isEmpty() ? "unknown" : String.join(" ", available.stream().sorted().toList()))
                + "): the satellite leg uses " + FALLBACK);
    }

    /** The congestion controls the running kernel has; empty when the list cannot be read. */
    public static Set<String> available() {
        try {
            return Arrays.stream(Files.readString(AVAILABLE).strip().split("\\s+")).filter(s -> !s.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException | SecurityException e) {
            return Set.of();
        }
    }
}
