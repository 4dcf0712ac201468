package org.pepsal.proxy.rules;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code rules install} did, kept so that {@code rules remove} undoes exactly that: the backend, the
 * settings, each sysctl's value before install changed it, and the initial windows of each route it gave the
 * satellite link's. Kept in a {@link StateFile}, written before the
 * first change, so even an install that was killed half-way can be removed.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RuleState(int version, String backend, List<String> interfaces, int port, int mark, int table,
                        boolean ipv6, Map<String, String> sysctlsBefore, Map<String, String> sysctlsSet,
                        List<String> implicitTables, String installedAt, List<RouteWindow> routeWindows) {
    /** The layout this pepsal writes; a file with another is refused. */
    static final int VERSION = 1;

    public RuleState {
        sysctlsBefore = sysctlsBefore == null ? Map.of() : new LinkedHashMap<>(sysctlsBefore);
        sysctlsSet = sysctlsSet == null ? Map.of() : new LinkedHashMap<>(sysctlsSet);
        implicitTables = implicitTables == null ? List.of() : List.copyOf(implicitTables);
        routeWindows = routeWindows == null ? List.of() : List.copyOf(routeWindows);
    }

    static RuleState of(RuleBackend backend, TproxyRules rules, Map<String, String> before, Map<String, String> set,
                        List<String> implicitTables, String when) {
        return of(backend, rules, before, set, implicitTables, when, List.of());
    }

    static RuleState of(RuleBackend backend, TproxyRules rules, Map<String, String> before, Map<String, String> set,
                        List<String> implicitTables, String when, List<RouteWindow> routeWindows) {
        return new RuleState(VERSION, backend.name(), rules.interfaces(), rules.port(), rules.mark(), rules.table(),
                rules.ipv6(), before, set, implicitTables, when, routeWindows);
    }

    TproxyRules rules() {
        return new TproxyRules(interfaces, port, mark, table, ipv6);
    }

    boolean sameAs(RuleBackend otherBackend, TproxyRules other) {
        return backend.equals(otherBackend.name()) && rules().equals(other);
    }

    /** The settings in one line, for messages. */
    String describe() {
        return "backend " + backend + ", interfaces " + String.join(",", interfaces) + ", port " + port + ", mark 0x"
                + Integer.toHexString(mark) + ", table " + table + (ipv6 ? ", IPv4+IPv6" : ", IPv4");
    }
}
