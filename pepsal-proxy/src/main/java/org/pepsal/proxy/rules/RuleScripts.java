package org.pepsal.proxy.rules;

import java.util.ArrayList;
import java.util.List;

/** {@code rules install | remove | check --print}: the commands each would run, as shell lines, running nothing. */
public final class RuleScripts {
    private RuleScripts() {
    }

    /** The commands install would run, as shell lines. */
    public static List<String> install(RuleBackend backend, TproxyRules rules, boolean forwarding) {
        List<String> lines = new ArrayList<>();
        for (Step step : backend.steps(rules)) {
            if (!step.checkOnly()) {
                lines.add(step.apply().toShell());
            }
        }
        if (forwarding) {
            for (IpFamily family : rules.families()) {
                lines.add("sysctl -w " + family.forwardingSysctl + "=1");
            }
        }
        return lines;
    }

    /** The route changes install would make for the satellite link, as shell lines (they depend on the routes). */
    public static List<String> windows(LinkWindows windows, TproxyRules rules) {
        List<String> lines = new ArrayList<>();
        for (IpFamily family : rules.families()) {
            lines.add("# for each ROUTE that `" + InitialWindows.list(family, windows.device()).toShell() + "` prints:");
            lines.add("ip " + family.ipFlag + " route change ROUTE dev " + windows.device() + " initcwnd "
                    + windows.initcwnd() + " initrwnd " + windows.initrwnd());
        }
        return lines;
    }

    /** The commands remove would run after such an install, as shell lines. */
    public static List<String> remove(RuleBackend backend, TproxyRules rules, boolean forwarding) {
        List<String> lines = new ArrayList<>();
        for (Step step : backend.steps(rules)) {
            if (!step.checkOnly()) {
                lines.add(0, step.undo().toShell());
            }
        }
        if (forwarding) {
            for (IpFamily family : rules.families()) {
                lines.add("sysctl -w " + family.forwardingSysctl
                        + "=PREVIOUS  # the value before install, kept in the state file");
            }
        }
        return lines;
    }

    /** The read-only commands check runs, as shell lines. */
    public static List<String> check(RuleBackend backend, TproxyRules rules) {
        return backend.steps(rules).stream().map(s -> s.probe().command().toShell()).distinct().toList();
    }
}
