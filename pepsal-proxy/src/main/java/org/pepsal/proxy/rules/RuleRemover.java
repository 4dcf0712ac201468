package org.pepsal.proxy.rules;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code rules remove}: takes away what install added (from the state file when there is one, otherwise the pieces
 * the given settings describe), whatever the proxy's tag marks, and restores the forwarding sysctls and the initial
 * windows of the routes install changed.
 */
final class RuleRemover extends RuleOperation {
    RuleRemover(CommandRunner runner, SystemAccess system, StateFile stateFile, PrintWriter out) {
        super(runner, system, stateFile, out);
    }

    /** Returns false when some piece could not be removed (each is reported). */
    boolean remove(RuleBackend backend, TproxyRules fallback) {
        preflight.programs(List.of());
        preflight.netAdmin();
        RuleState state = stateFile.read();
        List<String> failures;
        if (state != null) {
            if (fallback != null && !state.sameAs(backend, fallback)) {
                out.println("removing the installation recorded in " + stateFile + " (" + state.describe() + ")");
            }
            failures = removeInstalled(state, state.rules());
        } else {
            out.println("no state file (" + stateFile + "): removing what these settings and the '"
                    + TproxyRules.COMMENT + "' tag describe; forwarding sysctls are left as they are");
            failures = removeInstalled(null, fallback);
        }
        if (!failures.isEmpty()) {
            out.println("could not remove everything:");
            failures.forEach(f -> out.println("  " + f));
            return false;
        }
        return true;
    }

    /**
     * Removes the recorded installation (state may be null: then what the rules describe, with every backend whose
     * program is there); deletes the state file when everything went. Returns what failed.
     */
    List<String> removeInstalled(RuleState state, TproxyRules rules) {
        List<String> failures = new ArrayList<>();
        RuleBackend backend = state != null ? RuleBackend.named(state.backend()) : null;
        List<Step> steps = new ArrayList<>();
        if (rules != null) {
            for (RuleBackend b : backend != null ? List.of(backend) : RuleBackend.all()) {
                List<String> absent = b.programs(rules).stream().filter(p -> !runner.exists(p[0]))
                        .map(p -> p[0] + " (apt-get install " + p[1] + ")").toList();
                if (absent.isEmpty()) {
                    steps.addAll(b.steps(rules));
                } else if (b == backend) {
                    failures.add("the " + b.name() + " rules were installed, but " + String.join(", ", absent)
                            + " is missing now: install it and run remove again");
                } else {
                    steps.addAll(routingOnly(b.steps(rules)));
                }
            }
        }
        int removed = 0;
        // netfilter first (no more packets are diverted), then routing
        List<Step> routing = new ArrayList<>();
        List<Step> netfilter = new ArrayList<>();
        for (Step step : steps) {
            if (step.checkOnly()) {
                continue;
            }
            (isRouting(step) ? routing : netfilter).add(step);
        }
        for (List<Step> group : List.of(netfilter, routing)) {
            for (int i = group.size() - 1; i >= 0; i--) {
                Step step = group.get(i);
                if (!step.probe().test(runner)) {
                    continue;
                }
                CommandRunner.Result result = runner.run(step.undo());
                if (result.ok()) {
                    removed++;
                    out.println("removed  " + step.what());
                } else {
                    failures.add(step.undo().toShell() + " → " + result.message());
                }
            }
            if (group == netfilter) {
                List<Command> leftovers = leftovers();
                if (!leftovers.isEmpty()) {
                    out.println("removing other rules tagged '" + TproxyRules.COMMENT + "':");
                    failures.addAll(runAll(leftovers));
                    removed += leftovers.size();
                }
            }
        }
        if (state != null) {
            failures.addAll(new RouteWindowChanges(runner, out).restore(state.routeWindows()));
            removed += state.routeWindows().size();
            removed += restoreSysctls(state, failures);
            failures.addAll(new ImplicitTables(runner, out).dropEmpty(state.implicitTables()));
        }
        if (removed == 0 && failures.isEmpty()) {
            out.println("nothing to remove");
        }
        if (failures.isEmpty()) {
            stateFile.delete();
        }
        return failures;
    }

    /** Puts back each sysctl install changed, unless someone else changed it since. Returns how many it restored. */
    private int restoreSysctls(RuleState state, List<String> failures) {
        int restored = 0;
        for (Map.Entry<String, String> e : state.sysctlsSet().entrySet()) {
            String before = state.sysctlsBefore().get(e.getKey());
            String current = system.sysctl(e.getKey());
            if (before == null || before.equals(current)) {
                continue;
            }
            if (!e.getValue().equals(current)) {
                out.println("left     " + e.getKey() + " = " + current + " (changed by someone else since install)");
                continue;
            }
            try {
                system.sysctl(e.getKey(), before);
                restored++;
                out.println("restored " + e.getKey() + " = " + before);
            } catch (IOException ex) {
                failures.add("restore " + e.getKey() + " = " + before + ": " + ex.getMessage());
            }
        }
        return restored;
    }

    private static boolean isRouting(Step step) {
        return step.apply().argv().get(0).equals("ip");
    }

    /** The routing steps of a backend whose netfilter program is missing (the routing part needs only ip). */
    private static List<Step> routingOnly(List<Step> steps) {
        return steps.stream().filter(s -> !s.checkOnly() && isRouting(s)).toList();
    }

    /** What every backend's tag marks as the proxy's, whatever settings it was installed with. */
    List<Command> leftovers() {
        List<Command> commands = new ArrayList<>();
        for (RuleBackend backend : RuleBackend.all()) {
            commands.addAll(backend.leftovers(runner));
        }
        return commands;
    }

    /** Runs each command, reporting it; returns the failures. */
    List<String> runAll(List<Command> commands) {
        List<String> failures = new ArrayList<>();
        for (Command command : commands) {
            CommandRunner.Result result = runner.run(command);
            out.println((result.ok() ? "  ran    " : "  FAILED ") + command.toShell());
            if (!result.ok()) {
                failures.add(command.toShell() + " → " + result.message());
            }
        }
        return failures;
    }
}
