package org.pepsal.proxy.rules;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code rules install} did, kept so that {@code rules remove} undoes exactly that: the backend, the
 * settings, and each sysctl's value before install changed it. Kept in a {@link StateFile}, written before the
 * first change, so even an install that was killed half-way can be removed.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RuleState(int version, String backend, List<String> interfaces, int port, int mark, int table,
                        boolean ipv6, Map<String, String> sysctlsBefore, Map<String, String> sysctlsSet,
                        List<String> implicitTables, String installedAt) {
    /** The layout this pepsal writes; a file with another is refused. */
    static final int VERSION = 1;

    public RuleState {
        sysctlsBefore = sysctlsBefore == null ? Map.of() : new LinkedHashMap<>(sysctlsBefore);
        sysctlsSet = sysctlsSet == null ? Map.of() : new LinkedHashMap<>(sysctlsSet);
        implicitTables = implicitTables == null ? List.of() : List.copyOf(implicitTables);
    }

    static RuleState of(RuleBackend backend, TproxyRules rules, Map<String, String> before, Map<String, String> set,
                        List<String> implicitTables, String when) {
        return new RuleState(VERSION, backend.name(), rules.interfaces(), rules.port(), rules.mark(), rules.table(),
                rules.ipv6(), before, set, implicitTables, when);
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
