package org.pepsal.testbed.measure;

import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.Shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each host of a point was really like, read back from the kernel rather than from the configuration: every
 * effective {@code net.*} sysctl of its namespace, its qdiscs with their counters ({@code tc -s qdisc}), its routes
 * (initial windows included) and each device's offloads ({@code ethtool -k}, where ethtool is installed). Goes
 * into the point's environment.json beside the exact command lines it ran.
 */
public final class Environment {
    private Environment() {
    }

    /** One host's state. */
    public record HostState(Map<String, String> sysctls, String qdiscs, String routes, Map<String, String> offloads) {
    }

    /** The hosts' state, by role. A command that fails leaves its answer as the error, never stops the point. */
    public static Map<String, HostState> capture(List<Host> hosts) {
        Map<String, HostState> states = new LinkedHashMap<>();
        boolean ethtool = Shell.available("ethtool");
        for (Host host : hosts) {
            Map<String, String> sysctls = new TreeMap<>();
            for (String line : output(host, "sysctl", "-a").split("\n")) {
                int equals = line.indexOf(" = ");
                if (line.startsWith("net.") && equals > 0) {
                    sysctls.put(line.substring(0, equals), line.substring(equals + 3));
                }
            }
            Map<String, String> offloads = new TreeMap<>();
            for (String device : devices(host)) {
                offloads.put(device, ethtool ? output(host, "ethtool", "-k", device) : "ethtool is not installed");
            }
            states.put(host.role(), new HostState(sysctls, output(host, "tc", "-s", "qdisc", "show"),
                    output(host, "ip", "route", "show") + output(host, "ip", "-6", "route", "show"), offloads));
        }
        return states;
    }

    /** A process's command line as the kernel has it ({@code /proc/PID/cmdline}). */
    public static List<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            List<String> arguments = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    arguments.add(new String(raw, start, i - start));
                    start = i + 1;
                }
            }
            return arguments;
        } catch (IOException e) {
            return List.of("(exited: " + e.getMessage() + ")");
        }
    }

    private static List<String> devices(Host host) {
        List<String> devices = new ArrayList<>();
        for (String line : output(host, "ip", "-o", "link", "show").split("\n")) {
            String[] fields = line.split(":\\s+", 3);
            if (fields.length >= 2) {
                devices.add(fields[1].replaceFirst("@.*", "").strip());
            }
        }
        return devices;
    }

    private static String output(Host host, String... command) {
        Shell.Result result = host.tryExec(command);
        return result.ok() ? result.stdout() : "(" + String.join(" ", command) + " failed: " + result.stderr().strip() + ")";
    }
}
