package org.pepsal.testbed.measure;

import org.pepsal.testbed.topology.Host;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The largest receive window a host's sockets can advertise when they leave their buffers to the kernel (a stock
 * client: iperf3 and the flow client set no SO_RCVBUF), from the host's effective settings: autotuning grows the
 * receive buffer up to {@code tcp_rmem}'s maximum, of which the window is the payload's share; without window
 * scaling ({@code tcp_window_scaling = 0}) no window exceeds 65535 B, with it none exceeds 65535 × 2^14 B.
 *
 * <p>The payload's share: before Linux 6.6, {@code tcp_adv_win_scale} fixed it (1 − 2^−s for s &gt; 0, 2^s
 * otherwise); from 6.6 each connection measures it from its packets (payload over buffer truesize), starting at
 * one half, which is what is taken here: a connection that measures a larger share can advertise more.
 *
 * <p>A new connection's window starts from {@code tcp_rmem}'s default instead (its receive buffer before
 * autotuning has seen a round trip), the same share of it, and grows from there: autotuning at best doubles the
 * buffer each round trip.
 *
 * @param bytes        the largest window
 * @param initialBytes the window a new connection advertises first
 * @param basis        how they follow from the settings, in words (the row's state)
 */
public record ReceiveWindow(long bytes, long initialBytes, String basis) {
    /** The settings it is computed from, as read in the host's namespace. */
    static final List<String> SETTINGS = List.of("net.ipv4.tcp_rmem", "net.ipv4.tcp_window_scaling",
            "net.ipv4.tcp_adv_win_scale");
    static final long UNSCALED_MAX = 65_535;
    static final long SCALED_MAX = 65_535L << 14;

    /** The settings as the host's namespace has them now; a setting the kernel lacks is left out. */
    public static Map<String, String> read(Host host) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : SETTINGS) {
            var result = host.tryExec("sysctl", "-n", key);
            if (result.ok()) {
                settings.put(key, result.stdout().strip());
            }
        }
        return settings;
    }

    /** From {@link #read}'s settings and the kernel's release ({@code uname -r}); empty without tcp_rmem. */
    public static Optional<ReceiveWindow> of(Map<String, String> settings, String kernelRelease) {
        String[] rmem = settings.getOrDefault("net.ipv4.tcp_rmem", "").strip().split("\\s+");
        if (rmem.length != 3 || !rmem[2].matches("\\d+")) {
            return Optional.empty();
        }
        long max = Long.parseLong(rmem[2]);
        long initialBuffer = rmem[1].matches("\\d+") ? Long.parseLong(rmem[1]) : max;
        boolean scaling = !"0".equals(settings.getOrDefault("net.ipv4.tcp_window_scaling", "1").strip());
        double share;
        String shareText;
        if (measuresShare(kernelRelease)) {
            share = 0.5;
            shareText = "1/2 (the payload share Linux >= 6.6 starts from)";
        } else {
            int scale = Integer.parseInt(settings.getOrDefault("net.ipv4.tcp_adv_win_scale", "1").strip());
            share = scale > 0 ? 1 - Math.pow(2, -scale) : Math.pow(2, scale);
            shareText = String.format("%.3g (tcp_adv_win_scale %d)", share, scale);
        }
        long window = (long) (max * share);
        long cap = scaling ? SCALED_MAX : UNSCALED_MAX;
        long initial = Math.min(Math.min((long) (initialBuffer * share), window), cap);
        String basis = "tcp_rmem max " + max + " B x " + shareText + (window > cap ? ", capped at " + cap + " B" : "")
                + (scaling ? "" : " with window scaling off") + "; first window tcp_rmem default " + initialBuffer
                + " B x the same share";
        return Optional.of(new ReceiveWindow(Math.min(window, cap), initial, basis));
    }

    /** Whether the kernel measures the payload's share itself (Linux 6.6 and later). */
    static boolean measuresShare(String kernelRelease) {
        String[] parts = kernelRelease.split("[^0-9]+");
        if (parts.length < 2 || parts[0].isEmpty()) {
            return true;
        }
        int major = Integer.parseInt(parts[0]);
        int minor = Integer.parseInt(parts[1]);
        return major > 6 || (major == 6 && minor >= 6);
    }
}
