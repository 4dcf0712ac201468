package org.pepsal.proxy.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a state file may ask remove to do: only what install itself records. Remove runs with CAP_NET_ADMIN (often
 * as root) and writes the sysctls and drops the tables the file names, so a file someone else edited must not be
 * able to make it write {@code kernel.core_pattern} or delete a firewall table. Every field is checked against what
 * install writes for the file's own settings.
 */
final class StateAllowList {
    private static final Set<String> BACKENDS = Set.of("iptables", "nft");
    private static final Pattern SYSCTL_VALUE = Pattern.compile("\\d{1,10}");

    private StateAllowList() {
    }

    /** What in the state is not something install writes, one line each naming the field; empty when it is all. */
    static List<String> problems(RuleState state) {
        List<String> problems = new ArrayList<>();
        if (state.version() != RuleState.VERSION) {
            problems.add("version is " + state.version() + ", this pepsal writes " + RuleState.VERSION);
        }
        if (state.backend() == null || !BACKENDS.contains(state.backend())) {
            problems.add("backend '" + state.backend() + "' is neither iptables nor nft");
            return problems;
        }
        TproxyRules rules;
        try {
            rules = state.rules();
        } catch (IllegalArgumentException | NullPointerException e) {
            problems.add("the settings are not ones install accepts: " + e.getMessage());
            return problems;
        }
        List<String> sysctls = rules.families().stream().map(IpFamily::forwardingSysctl).toList();
        for (Map.Entry<String, String> e : state.sysctlsBefore().entrySet()) {
            if (!sysctls.contains(e.getKey())) {
                problems.add("sysctlsBefore names " + e.getKey() + ", not one install records (" + sysctls + ")");
            } else if (e.getValue() == null || !SYSCTL_VALUE.matcher(e.getValue()).matches()) {
                problems.add("sysctlsBefore gives " + e.getKey() + " the value '" + e.getValue()
                        + "', not a number as the kernel reports it");
            }
        }
        for (Map.Entry<String, String> e : state.sysctlsSet().entrySet()) {
            if (!sysctls.contains(e.getKey())) {
                problems.add("sysctlsSet names " + e.getKey() + ", not one install sets (" + sysctls + ")");
            } else if (!"1".equals(e.getValue())) {
                problems.add("sysctlsSet gives " + e.getKey() + " the value '" + e.getValue()
                        + "', but install only sets 1");
            }
        }
        List<String> tables = RuleBackend.named(state.backend()).possibleImplicitTables(rules);
        for (String table : state.implicitTables()) {
            if (!tables.contains(table)) {
                problems.add("implicitTables names '" + table + "', not a table install creates (" + tables + ")");
            }
        }
        for (RouteWindow route : state.routeWindows()) {
            problems.addAll(routeProblems(route, rules));
        }
        return problems;
    }

    private static List<String> routeProblems(RouteWindow route, TproxyRules rules) {
        List<String> problems = new ArrayList<>();
        String what = "routeWindows entry " + route.destination() + " dev " + route.device();
        if (route.family() != 4 && !(route.family() == 6 && rules.ipv6())) {
            problems.add(what + ": family " + route.family() + " is not one install covers");
        }
        try {
            new LinkWindows(route.device(), route.initcwnd(), route.initrwnd());
        } catch (IllegalArgumentException e) {
            problems.add(what + ": " + e.getMessage());
        }
        if (route.destination() == null || !InitialWindows.DESTINATION.matcher(route.destination()).matches()) {
            problems.add(what + ": the destination is not a prefix or 'default'");
        }
        for (Integer before : new Integer[] {route.initcwndBefore(), route.initrwndBefore()}) {
            if (before != null && (before < 1 || before > LinkWindows.MAX_SEGMENTS)) {
                problems.add(what + ": a window before install of " + before + " segments is not one the kernel lists");
            }
        }
        return problems;
    }
}
