package org.pepsal.proxy.rules;

import java.util.ArrayList;
import java.util.List;

/** The policy-routing half of the set-up, the same for every backend: marked packets are delivered locally. */
final class RoutingSteps {
    private RoutingSteps() {
    }

    static List<Step> steps(IpFamily family, TproxyRules rules) {
        String mark = Integer.toString(rules.mark());
        String table = Integer.toString(rules.table());
        List<Step> steps = new ArrayList<>();
        steps.add(new Step(family.label + " routing rule: packets with mark " + rules.markHex() + " use table " + table,
                Command.of("ip", family.ipFlag, "rule", "add", "fwmark", mark, "lookup", table),
                Command.of("ip", family.ipFlag, "rule", "del", "fwmark", mark, "lookup", table),
                Probe.nonEmpty(Command.of("ip", family.ipFlag, "rule", "show", "fwmark", mark, "lookup", table)),
                "diverted packets are marked but routed like any other packet, so they are forwarded past the proxy "
                        + "instead of reaching its listener (the rule counters rise but the proxy sees no SYN)"));
        steps.add(new Step(family.label + " local default route in table " + table,
                Command.of("ip", family.ipFlag, "route", "add", "local", family.anyAddress, "dev", "lo", "table", table),
                Command.of("ip", family.ipFlag, "route", "del", "local", family.anyAddress, "dev", "lo", "table", table),
                Probe.nonEmpty(Command.of("ip", family.ipFlag, "route", "show", "table", table, "type", "local",
                        "exact", family.anyAddress)),
                "table " + table + " has no local default route, so marked packets are not delivered to this host "
                        + "and never reach the listener"));
        return steps;
    }

    /**
     * Routing rules and routes that already use the mark or the table for something else: installing would
     * hijack them, or they would hijack the proxy's packets.
     */
    static List<String> conflicts(CommandRunner runner, TproxyRules rules) {
        List<String> conflicts = new ArrayList<>();
        String ours = "fwmark " + rules.markHex() + " lookup " + rules.table();
        for (IpFamily family : rules.families()) {
            CommandRunner.Result ruleList = runner.run(Command.of("ip", "-N", family.ipFlag, "rule", "show"));
            for (String line : ruleList.stdout().lines().toList()) {
                String rule = line.replaceFirst("^\\d+:\\s*", "").strip();
                boolean usesMark = rule.matches(".*\\bfwmark " + rules.markHex() + "(/0x[0-9a-f]+)?\\b.*");
                boolean usesTable = rule.matches(".*\\b(lookup|table) " + rules.table() + "\\b.*");
                if ((usesMark || usesTable) && !rule.equals("from all " + ours)) {
                    conflicts.add(family.label + " routing rule '" + line.strip() + "' already uses "
                            + (usesMark ? "mark " + rules.markHex() + " (choose another --mark)"
                                        : "table " + rules.table() + " (choose another --table)"));
                }
            }
            CommandRunner.Result routes = runner.run(Command.of("ip", family.ipFlag, "route", "show", "table",
                    Integer.toString(rules.table())));
            for (String line : routes.stdout().lines().toList()) {
                String route = line.strip();
                if (!route.isEmpty() && !route.startsWith("local default dev lo ")) {
                    conflicts.add(family.label + " routing table " + rules.table() + " already holds '" + route
                            + "' (choose another --table)");
                }
            }
        }
        return conflicts;
    }
}
