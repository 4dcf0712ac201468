package org.pepsal.proxy.rules;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rules install}: applies the steps of a {@link RuleBackend} idempotently (present pieces are kept), records
 * what it is about to do in the state file before the first change, and rolls back everything this attempt added
 * when one step fails.
 */
final class RuleInstaller extends RuleOperation {
    private final RuleRemover remover;
    private final RouteWindowChanges windowChanges;

    RuleInstaller(CommandRunner runner, SystemAccess system, StateFile stateFile, PrintWriter out) {
        super(runner, system, stateFile, out);
        this.remover = new RuleRemover(runner, system, stateFile, out);
        this.windowChanges = new RouteWindowChanges(runner, out);
    }

    /** @param windows the satellite link's initial windows for the routes through its interface, or null for none */
    void install(RuleBackend backend, TproxyRules rules, boolean forwarding, LinkWindows windows) {
        preflight.forInstall(backend, rules);
        RuleState existing = clearTheWay(backend, rules);
        List<RouteWindow> recorded = existing != null ? existing.routeWindows() : List.of();
        List<RouteWindow> planned = windows == null ? List.of() : windowChanges.plan(windows, rules, recorded);
        List<String> conflicts = new ArrayList<>(RoutingSteps.conflicts(runner, rules));
        conflicts.addAll(backend.foreignMarkUses(runner, rules));
        if (!conflicts.isEmpty()) {
            throw new RulesException("nothing was installed; the mark or table is already in use:\n  "
                    + String.join("\n  ", conflicts));
        }

        Map<String, String> before = new LinkedHashMap<>();
        Map<String, String> set = new LinkedHashMap<>();
        if (forwarding) {
            for (IpFamily family : rules.families()) {
                String key = family.forwardingSysctl;
                String previous = existing != null && existing.sysctlsBefore().containsKey(key)
                        ? existing.sysctlsBefore().get(key) : system.sysctl(key);
                if (previous == null) {
                    throw new RulesException(key + " does not exist here: " + (family == IpFamily.IPV6
                            ? "IPv6 is disabled in this kernel; install without --ipv6" : "no IPv4 in this kernel?"));
                }
                before.put(key, previous);
                set.put(key, "1");
            }
        }
        List<String> implicitTables = new ArrayList<>(existing != null ? existing.implicitTables() : List.of());
        for (String table : backend.implicitTables(runner, rules)) {
            if (!implicitTables.contains(table)) {
                implicitTables.add(table);
            }
        }
        List<RouteWindow> dropped = RouteWindowChanges.dropped(recorded, planned);
        if (!dropped.isEmpty()) {
            out.println("the earlier installation set initial windows these settings do not: restoring them");
            List<String> failures = windowChanges.restore(dropped);
            if (!failures.isEmpty()) {
                throw new RulesException("could not restore the routes of the earlier installation, nothing new was "
                        + "installed:\n  " + String.join("\n  ", failures));
            }
        }
        // Written before the first change, so that remove can clean up after an install that was killed.
        stateFile.write(RuleState.of(backend, rules, before, set, implicitTables, Instant.now().toString(), planned));

        List<Step> added = new ArrayList<>();
        Map<String, String> sysctlsChanged = new LinkedHashMap<>();
        List<RouteWindow> windowsChanged = new ArrayList<>();
        try {
            addSteps(backend, rules, added);
            setSysctls(set, sysctlsChanged);
            windowChanges.apply(planned, windowsChanged);
        } catch (RulesException e) {
            List<String> failures = windowChanges.restore(windowsChanged);
            failures.addAll(rollBack(added, sysctlsChanged));
            if (existing == null) {
                failures.addAll(new ImplicitTables(runner, out).dropEmpty(implicitTables));
                stateFile.delete();
            }
            throw new RulesException(e.getMessage() + "\n" + (failures.isEmpty()
                    ? "rolled back: " + (added.size() + sysctlsChanged.size() + windowsChanged.size())
                            + " change(s) undone, nothing of this "
                            + "attempt remains"
                    : "roll-back incomplete, run `pepsal rules remove`:\n  " + String.join("\n  ", failures)));
        }
        out.println("installed (" + RuleState.of(backend, rules, before, set, null, null).describe()
                + (windows == null ? "" : ", initial windows initcwnd " + windows.initcwnd() + " initrwnd " + windows.initrwnd() + " on "
                        + planned.size() + " route(s) through " + windows.device()) + "); state in " + stateFile);
    }

    /**
     * Removes an installation recorded with other settings, or (with no record) whatever an earlier installation
     * left tagged as the proxy's. Returns the recorded installation these settings extend, or null.
     */
    private RuleState clearTheWay(RuleBackend backend, TproxyRules rules) {
        RuleState existing = stateFile.read();
        if (existing != null && !existing.sameAs(backend, rules)) {
            out.println("an installation with other settings is present (" + existing.describe() + "): removing it");
            List<String> failures = remover.removeInstalled(existing, existing.rules());
            if (!failures.isEmpty()) {
                throw new RulesException("could not remove the earlier installation, nothing new was installed:\n  "
                        + String.join("\n  ", failures));
            }
            existing = null;
        }
        if (existing == null) {
            List<Command> leftovers = remover.leftovers();
            if (!leftovers.isEmpty()) {
                out.println("removing what an earlier installation left (tagged '" + TproxyRules.COMMENT + "'):");
                List<String> failures = remover.runAll(leftovers);
                if (!failures.isEmpty()) {
                    throw new RulesException("could not remove the leftovers of an earlier installation:\n  "
                            + String.join("\n  ", failures));
                }
            }
        }
        return existing;
    }

    private void addSteps(RuleBackend backend, TproxyRules rules, List<Step> added) {
        for (Step step : backend.steps(rules)) {
            if (step.checkOnly()) {
                continue;
            }
            if (step.probe().test(runner)) {
                out.println("present  " + step.what());
                continue;
            }
            CommandRunner.Result result = runner.run(step.apply());
            if (!result.ok()) {
                throw new RulesException("could not add the " + step.what() + ":\n  " + step.apply().toShell()
                        + "\n  → " + result.message() + hint(result.message()));
            }
            added.add(step);
            out.println("added    " + step.what());
        }
    }

    private void setSysctls(Map<String, String> set, Map<String, String> changed) {
        for (Map.Entry<String, String> e : set.entrySet()) {
            String current = system.sysctl(e.getKey());
            if (e.getValue().equals(current)) {
                out.println("present  " + e.getKey() + " = " + current);
                continue;
            }
            try {
                system.sysctl(e.getKey(), e.getValue());
            } catch (IOException ex) {
                throw new RulesException("could not set " + e.getKey() + " = " + e.getValue() + " (" + ex
                        + "): /proc/sys is read-only here (in a container, start it with --sysctl "
                        + e.getKey() + "=1), or install with --no-ip-forward to leave forwarding alone");
            }
            changed.put(e.getKey(), current);
            out.println("set      " + e.getKey() + " = " + e.getValue() + " (was " + current + ")");
        }
    }

    private List<String> rollBack(List<Step> added, Map<String, String> sysctlsChanged) {
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> e : sysctlsChanged.entrySet()) {
            try {
                system.sysctl(e.getKey(), e.getValue());
            } catch (IOException ex) {
                failures.add("restore " + e.getKey() + " = " + e.getValue() + ": " + ex.getMessage());
            }
        }
        for (int i = added.size() - 1; i >= 0; i--) {
            Step step = added.get(i);
            CommandRunner.Result result = runner.run(step.undo());
            out.println((result.ok() ? "undone   " : "FAILED   ") + step.what());
            if (!result.ok()) {
                failures.add(step.undo().toShell() + " → " + result.message());
            }
        }
        return failures;
    }

    /** What a refusal from iptables, nft or ip most likely means, and the fix. */
    static String hint(String message) {
        String m = message.toLowerCase();
        if (m.contains("no chain/target/match") || m.contains("extension") && m.contains("not supported")
                || m.contains("could not process rule") || m.contains("couldn't load")) {
            return "\n  (the kernel lacks the TPROXY target or the socket match: load them with "
                    + "`modprobe xt_TPROXY xt_socket nft_tproxy nft_socket`; a container cannot, the host must)";
        }
        if (m.contains("permission denied") || m.contains("operation not permitted")) {
            return "\n  (needs CAP_NET_ADMIN: run as root, or grant it — systemd AmbientCapabilities=CAP_NET_ADMIN, "
                    + "docker --cap-add NET_ADMIN)";
        }
        return "";
    }
}
