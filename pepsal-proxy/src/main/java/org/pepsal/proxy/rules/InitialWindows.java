package org.pepsal.proxy.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The link-aware start: an initial congestion and receive window of about the satellite link's bandwidth-delay
 * product (each of its own direction) on every route through the satellite interface
 * ({@code ip route change ROUTE initcwnd N initrwnd M}).
 * The kernel applies a route's initcwnd to connections the host accepts as well as those it opens, so both the
 * gateway's senders and a terminal's receivers start with a window that fills the link in the first round trip;
 * the proxy's pacing keeps such a window from becoming a burst. A route is always rewritten from what the kernel
 * lists for it now, never from text in the state file, and a restore gives back exactly the windows it had.
 */
public final class InitialWindows {
    /** What {@code ip route show} prints as a route's destination: {@code default}, an address or a prefix. */
    static final Pattern DESTINATION = Pattern.compile("default|[0-9a-fA-F:.]{2,39}(/\\d{1,3})?");
    private static final List<String> WINDOW_WORDS = List.of("initcwnd", "initrwnd");

    private InitialWindows() {
    }

    /** The command that lists a device's routes in the main table. */
    public static Command list(IpFamily family, String device) {
        return Command.of("ip", family.ipFlag, "route", "show", "dev", device);
    }

    /** The command that lists one route of a device, to see it as it is now. */
    static Command show(RouteWindow route) {
        return Command.of("ip", route.ipFamily().ipFlag, "route", "show", "exact", route.destination(), "dev",
                route.device());
    }

    /** The routes of {@code listing} (the output of {@link #list}) to give these windows, with the windows they had. */
    public static List<RouteWindow> plan(String listing, IpFamily family, String device, int initcwnd, int initrwnd) {
        List<RouteWindow> routes = new ArrayList<>();
        for (String line : listing.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            String[] words = line.split("\\s+");
            if (!DESTINATION.matcher(words[0]).matches()) {
                continue; // a typed route (unreachable, multicast ...): nothing is sent along it
            }
            routes.add(new RouteWindow(family == IpFamily.IPV6 ? 6 : 4, device, words[0], window(words, "initcwnd"),
                    window(words, "initrwnd"), initcwnd, initrwnd));
        }
        return routes;
    }

    /** The command that gives the route as the kernel lists it now ({@code current}) the link's windows. */
    public static Command apply(RouteWindow route, String current) {
        return change(route, current, route.initcwnd(), route.initrwnd());
    }

    /** The command that gives the route back the windows it had before install. */
    static Command restore(RouteWindow route, String current) {
        return change(route, current, route.initcwndBefore(), route.initrwndBefore());
    }

    /** Whether the route, as listed now, still has the windows install set (so nobody changed it since). */
    static boolean stillOurs(RouteWindow route, String current) {
        String[] words = current.strip().split("\\s+");
        Integer cwnd = window(words, "initcwnd");
        Integer rwnd = window(words, "initrwnd");
        return cwnd != null && cwnd == route.initcwnd() && rwnd != null && rwnd == route.initrwnd();
    }

    /** The windows a route has as listed now, for people: {@code initcwnd 250, initrwnd 250} ({@code default} if none). */
    static String describe(String current) {
        String[] words = current.strip().split("\\s+");
        Integer cwnd = window(words, "initcwnd");
        Integer rwnd = window(words, "initrwnd");
        return "initcwnd " + (cwnd == null ? "default" : cwnd) + ", initrwnd " + (rwnd == null ? "default" : rwnd);
    }

    private static Command change(RouteWindow route, String current, Integer initcwnd, Integer initrwnd) {
        List<String> argv = new ArrayList<>(List.of("ip", route.ipFamily().ipFlag, "route", "change"));
        String[] words = current.strip().split("\\s+");
        for (int i = 0; i < words.length; i++) {
            if (WINDOW_WORDS.contains(words[i])) {
                i++;
            } else if (!words[i].equals("linkdown") && !words[i].equals("dead")) {
                argv.add(words[i]); // flags the kernel prints but does not take back
            }
        }
        argv.addAll(List.of("dev", route.device()));
        if (initcwnd != null) {
            argv.addAll(List.of("initcwnd", initcwnd.toString()));
        }
        if (initrwnd != null) {
            argv.addAll(List.of("initrwnd", initrwnd.toString()));
        }
        return Command.of(argv);
    }

    private static Integer window(String[] words, String name) {
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals(name) && words[i + 1].matches("\\d{1,9}")) {
                return Integer.valueOf(words[i + 1]);
            }
        }
        return null;
    }
}
