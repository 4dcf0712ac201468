package org.pepsal.testbed.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import org.pepsal.testbed.topology.TcpSettings;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How a scenario file writes each host's TCP settings:
 * <pre>
 * hosts:
 *   all:    {congestionControl: cubic, bufferMax: 64 MiB}
 *   server: {rmemDefault: 128 KiB, wmemDefault: 16 KiB, ecn: on, initcwnd: 10, initrwnd: 10, sysctls: {...}}
 * </pre>
 * {@code all} applies to every role; a role's own fields replace it, its sysctls add to it. The buffer defaults
 * and ECN become the namespace's {@code tcp_rmem}/{@code tcp_wmem}/{@code tcp_ecn}; the initial windows are set
 * on every route of the host.
 */
final class HostFormat {
    private static final Set<String> HOST_FIELDS = Set.of("congestionControl", "bufferMax", "rmemDefault",
            "wmemDefault", "ecn", "initcwnd", "initrwnd", "sysctls");
    /** {@code net.ipv4.tcp_ecn}: 0 never, 1 asks for ECN and accepts it, 2 (the kernel's default) only accepts it. */
    private static final Map<String, String> ECN = Map.of("off", "0", "on", "1", "passive", "2");
    /** The minima the testbed leaves in tcp_rmem and tcp_wmem, and their defaults (the kernel's). */
    static final long BUFFER_MIN = 4096;
    static final long RMEM_DEFAULT = 131_072;
    static final long WMEM_DEFAULT = 16_384;

    private HostFormat() {
    }

    /** The fields of one role, layered over {@code all}'s. */
    private static final class Knobs {
        String congestionControl;
        long bufferMax = TcpSettings.DEFAULT_BUFFER_MAX;
        Long rmemDefault;
        Long wmemDefault;
        String ecn;
        Integer initcwnd;
        Integer initrwnd;
        final Map<String, String> sysctls = new LinkedHashMap<>();
        Field where;

        Knobs copy() {
            Knobs copy = new Knobs();
            copy.congestionControl = congestionControl;
            copy.bufferMax = bufferMax;
            copy.rmemDefault = rmemDefault;
            copy.wmemDefault = wmemDefault;
            copy.ecn = ecn;
            copy.initcwnd = initcwnd;
            copy.initrwnd = initrwnd;
            copy.sysctls.putAll(sysctls);
            copy.where = where;
            return copy;
        }
    }

    static Scenario.HostSettings parse(Field hosts) {
        Set<String> keys = new HashSet<>(Scenario.HostSettings.ROLES);
        keys.add("all");
        if (hosts.present()) {
            hosts.object(keys);
        }
        Knobs all = layer(new Knobs(), hosts.present() ? hosts.get("all") : hosts);
        Map<String, TcpSettings> byRole = new LinkedHashMap<>();
        Map<String, Scenario.RouteWindows> routes = new LinkedHashMap<>();
        for (String role : Scenario.HostSettings.ROLES) {
            Knobs knobs = layer(all.copy(), hosts.present() ? hosts.get(role) : hosts);
            byRole.put(role, settings(knobs));
            routes.put(role, new Scenario.RouteWindows(knobs.initcwnd, knobs.initrwnd));
        }
        return new Scenario.HostSettings(byRole, routes);
    }

    private static Knobs layer(Knobs knobs, Field host) {
        if (!host.present()) {
            return knobs;
        }
        host.object(HOST_FIELDS);
        knobs.where = host;
        knobs.congestionControl = host.get("congestionControl").text(knobs.congestionControl);
        Field bufferMax = host.get("bufferMax");
        knobs.bufferMax = bufferMax.bytes(knobs.bufferMax);
        if (knobs.bufferMax < 65_536) {
            throw bufferMax.error("must be at least 64 KiB");
        }
        knobs.rmemDefault = size(host.get("rmemDefault"), knobs.rmemDefault);
        knobs.wmemDefault = size(host.get("wmemDefault"), knobs.wmemDefault);
        knobs.ecn = ecn(host.get("ecn"), knobs.ecn);
        knobs.initcwnd = window(host.get("initcwnd"), knobs.initcwnd);
        knobs.initrwnd = window(host.get("initrwnd"), knobs.initrwnd);
        Field sysctls = host.get("sysctls");
        if (sysctls.present()) {
            for (Map.Entry<String, Field> sysctl : sysctls.entries().entrySet()) {
                JsonNode value = sysctl.getValue().node();
                if (!value.isValueNode() || value.isNull()) {
                    throw sysctl.getValue().error("a sysctl's value is a number or text");
                }
                knobs.sysctls.put(sysctl.getKey(), value.asText());
            }
        }
        return knobs;
    }

    private static Long size(Field field, Long absent) {
        if (!field.present()) {
            return absent;
        }
        long bytes = field.bytes(0);
        if (bytes < BUFFER_MIN) {
            throw field.error("must be at least " + BUFFER_MIN + " B (the buffer minimum)");
        }
        return bytes;
    }

    /** {@code on}, {@code off} or {@code passive}; YAML reads a bare on/off as true/false, which mean the same. */
    private static String ecn(Field field, String absent) {
        if (field.present() && field.node().isBoolean()) {
            return field.node().booleanValue() ? ECN.get("on") : ECN.get("off");
        }
        return field.choice(absent, ECN);
    }

    private static Integer window(Field field, Integer absent) {
        return field.present() ? Integer.valueOf((int) field.integer(0, 1, 65_535)) : absent;
    }

    /**
     * The namespace's sysctls: the buffer defaults and ECN as the sysctls they are (named sysctls given in the
     * file still win), so they apply and are recorded like every other.
     */
    private static TcpSettings settings(Knobs knobs) {
        Map<String, String> sysctls = new LinkedHashMap<>();
        if (knobs.rmemDefault != null || knobs.wmemDefault != null) {
            long rmem = knobs.rmemDefault == null ? RMEM_DEFAULT : knobs.rmemDefault;
            long wmem = knobs.wmemDefault == null ? WMEM_DEFAULT : knobs.wmemDefault;
            for (long value : new long[] {rmem, wmem}) {
                if (value > knobs.bufferMax) {
                    throw knobs.where.error("a buffer default (" + value + " B) must not exceed bufferMax ("
                            + knobs.bufferMax + " B)");
                }
            }
            sysctls.put("net.ipv4.tcp_rmem", BUFFER_MIN + " " + rmem + " " + knobs.bufferMax);
            sysctls.put("net.ipv4.tcp_wmem", BUFFER_MIN + " " + wmem + " " + knobs.bufferMax);
        }
        if (knobs.ecn != null) {
            sysctls.put("net.ipv4.tcp_ecn", knobs.ecn);
        }
        sysctls.putAll(knobs.sysctls);
        return new TcpSettings(knobs.congestionControl, knobs.bufferMax, sysctls);
    }
}
