package org.pepsal.proxy.rules;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Install's and remove's part of the link-aware start: finds the routes through the satellite interface, gives them
 * the link's initial windows, and gives them back the windows they had (see {@link InitialWindows}).
 */
final class RouteWindowChanges {
    private final CommandRunner runner;
    private final PrintWriter out;

    RouteWindowChanges(CommandRunner runner, PrintWriter out) {
        this.runner = runner;
        this.out = out;
    }

    /**
     * The routes to change, each with the windows it had before any install: for a route an earlier install already
     * changed, what that install recorded ({@code recorded}), not the windows it gave it.
     */
    List<RouteWindow> plan(LinkWindows windows, TproxyRules rules, List<RouteWindow> recorded) {
        List<RouteWindow> planned = new ArrayList<>();
        for (IpFamily family : rules.families()) {
            CommandRunner.Result listing = runner.run(InitialWindows.list(family, windows.device()));
            if (!listing.ok()) {
                throw new RulesException("cannot list the routes through " + windows.device() + " (--satellite-iface): "
                        + listing.message() + "; nothing was installed");
            }
            for (RouteWindow route : InitialWindows.plan(listing.stdout(), family, windows.device(),
                    windows.initcwnd(), windows.initrwnd())) {
                RouteWindow earlier = recorded.stream().filter(r -> sameRoute(r, route)).findFirst().orElse(null);
                planned.add(earlier == null ? route : new RouteWindow(route.family(), route.device(),
                        route.destination(), earlier.initcwndBefore(), earlier.initrwndBefore(), route.initcwnd(),
                        route.initrwnd()));
            }
        }
        if (planned.stream().noneMatch(r -> r.family() == 4)) {
            throw new RulesException("no IPv4 route goes through " + windows.device() + " (--satellite-iface): give "
                    + "the interface the satellite link is on; nothing was installed");
        }
        return planned;
    }

    /** The routes of {@code recorded} that {@code planned} no longer covers. */
    static List<RouteWindow> dropped(List<RouteWindow> recorded, List<RouteWindow> planned) {
        return recorded.stream().filter(r -> planned.stream().noneMatch(p -> sameRoute(p, r))).toList();
    }

    /** Gives each route the link's windows, adding each changed one to {@code applied}; throws on a refusal. */
    void apply(List<RouteWindow> planned, List<RouteWindow> applied) {
        for (RouteWindow route : planned) {
            String current = current(route);
            if (current == null) {
                throw new RulesException("the " + route.describe() + " disappeared while installing");
            }
            if (InitialWindows.stillOurs(route, current)) {
                out.println("present  " + route.describe());
                continue;
            }
            Command change = InitialWindows.apply(route, current);
            CommandRunner.Result result = runner.run(change);
            if (!result.ok()) {
                throw new RulesException("could not set the initial windows of the " + route.describe() + ":\n  "
                        + change.toShell() + "\n  → " + result.message() + RuleInstaller.hint(result.message()));
            }
            applied.add(route);
            out.println("set      " + route.describe() + windowsBefore(route));
        }
    }

    /** Gives each route back the windows it had; a route changed by someone else since is left. Returns failures. */
    List<String> restore(List<RouteWindow> routes) {
        List<String> failures = new ArrayList<>();
        for (RouteWindow route : routes) {
            String current = current(route);
            if (current == null) {
                out.println("gone     " + route.describe() + " (the route no longer exists)");
                continue;
            }
            if (!InitialWindows.stillOurs(route, current)) {
                out.println("left     " + route.describe() + " (its windows were changed by someone else since)");
                continue;
            }
            Command change = InitialWindows.restore(route, current);
            CommandRunner.Result result = runner.run(change);
            if (result.ok()) {
                out.println("restored " + route.describe().replaceFirst(": initcwnd \\d+ initrwnd \\d+$", "")
                        + windowsBefore(route).replace(" (was", " to").replace(")", ""));
            } else {
                failures.add(change.toShell() + " → " + result.message());
            }
        }
        return failures;
    }

    /**
     * Check's report of the routes install gave the link's windows: each with the windows the kernel lists for it
     * now, or that it changed since or is gone.
     */
    void report(List<RouteWindow> routes) {
        for (RouteWindow route : routes) {
            String current = current(route);
            String where = "IPv" + route.family() + " route " + route.destination() + " dev " + route.device();
            if (current == null) {
                out.println("GONE     " + where + " (install gave it initcwnd " + route.initcwnd() + ", initrwnd "
                        + route.initrwnd() + ")");
            } else if (InitialWindows.stillOurs(route, current)) {
                out.println("ok       " + where + ": " + InitialWindows.describe(current) + " (the link's BDPs)");
            } else {
                out.println("CHANGED  " + where + ": " + InitialWindows.describe(current) + " now; install gave it "
                        + "initcwnd " + route.initcwnd() + ", initrwnd " + route.initrwnd() + "\n         → connections through it no longer start near the link's "
                        + "BDP: `pepsal rules install` with the same --satellite-* options sets them again");
            }
        }
    }

    private String current(RouteWindow route) {
        CommandRunner.Result shown = runner.run(InitialWindows.show(route));
        String line = shown.ok() ? shown.stdout().strip() : "";
        return line.isEmpty() ? null : line.lines().findFirst().orElseThrow();
    }

    private static String windowsBefore(RouteWindow route) {
        return " (was initcwnd " + (route.initcwndBefore() == null ? "default" : route.initcwndBefore())
                + ", initrwnd " + (route.initrwndBefore() == null ? "default" : route.initrwndBefore()) + ")";
    }

    private static boolean sameRoute(RouteWindow a, RouteWindow b) {
        return a.family() == b.family() && a.device().equals(b.device())
                && Objects.equals(a.destination(), b.destination());
    }
}
