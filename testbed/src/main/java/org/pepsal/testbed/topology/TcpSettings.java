package org.pepsal.testbed.topology;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A host's TCP settings: its default congestion control, the maxima of {@code tcp_rmem}/{@code tcp_wmem}
 * (per namespace; the default of 64 MB is large enough that the buffer never limits a flow, where Debian's
 * 6 MB caps one at about 44 Mbit/s over a 600 ms RTT), and any other sysctl a scenario names.
 */
public record TcpSettings(String congestionControl, long bufferMaxBytes, Map<String, String> sysctls) {
    public static final long DEFAULT_BUFFER_MAX = 64L << 20;
    /** The kernel's default, left alone. */
    public static final String KERNEL_DEFAULT_CONGESTION_CONTROL = null;

    public TcpSettings {
        if (bufferMaxBytes < 65_536) {
            throw new IllegalArgumentException("TCP buffer maximum below 64 KiB: " + bufferMaxBytes);
        }
        sysctls = Map.copyOf(sysctls);
    }

    public static TcpSettings defaults() {
        return new TcpSettings(KERNEL_DEFAULT_CONGESTION_CONTROL, DEFAULT_BUFFER_MAX, Map.of());
    }

    public TcpSettings withCongestionControl(String name) {
        return new TcpSettings(name, bufferMaxBytes, sysctls);
    }

    public TcpSettings withSysctl(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(sysctls);
        more.put(key, value);
        return new TcpSettings(congestionControl, bufferMaxBytes, more);
    }

    /** Applies the settings inside {@code host}'s namespace. */
    public void apply(Host host) {
        if (congestionControl != null) {
            allowCongestionControl(congestionControl);
            host.sysctl("net.ipv4.tcp_congestion_control", congestionControl);
        }
        host.sysctl("net.ipv4.tcp_rmem", "4096 131072 " + bufferMaxBytes);
        host.sysctl("net.ipv4.tcp_wmem", "4096 16384 " + bufferMaxBytes);
        sysctls.forEach(host::sysctl);
    }

    /**
     * Adds a congestion control to {@code net.ipv4.tcp_allowed_congestion_control}, which only the root
     * namespace has and which governs which algorithms unprivileged sockets may pick with TCP_CONGESTION
     * (as root a socket may pick any available one). Only ever adds: other runs may rely on the list.
     */
    public static synchronized void allowCongestionControl(String name) {
        requireAvailable(name);
        String allowed = Shell.run("sysctl", "-n", "net.ipv4.tcp_allowed_congestion_control").strip();
        if (!Arrays.asList(allowed.split("\\s+")).contains(name)) {
            Shell.run("sysctl", "-q", "-w", "net.ipv4.tcp_allowed_congestion_control=" + allowed + " " + name);
        }
    }

    /**
     * Fails, naming what the kernel offers, unless {@code name} is available: built in, a loaded module, or a
     * registered BPF struct_ops algorithm (a proxy leg given one that is missing would only warn and fall back to
     * the default, and the run would measure the wrong algorithm).
     */
    public static void requireAvailable(String name) {
        String available = Shell.run("sysctl", "-n", "net.ipv4.tcp_available_congestion_control").strip();
        if (!Arrays.asList(available.split("\\s+")).contains(name)) {
            throw new IllegalArgumentException("congestion control " + name + " is not available here (available: "
                    + available + "; load its module, or register a BPF one first, e.g. pepsal_sat with "
                    + "scripts/satcc.sh load)");
        }
    }
}
