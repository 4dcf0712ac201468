package org.pepsal.testbed.run;

import org.pepsal.testbed.scenario.Scenario;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.SatelliteTopology;

import java.util.ArrayList;
import java.util.List;

/**
 * Sets a host's initial congestion and receive windows on each of its routes ({@code ip route change ROUTE
 * initcwnd N initrwnd M}), IPv4 and IPv6, after the topology has made them. Kept here, beside the runner, because
 * it only ever changes routes the topology built; the environment snapshot records the result.
 */
final class RouteWindows {
    private RouteWindows() {
    }

    static void apply(SatelliteTopology topology, Scenario.HostSettings hosts) {
        for (Host host : topology.topology().hosts()) {
            Scenario.RouteWindows windows = hosts.routesOf(host.role());
            if (!windows.isDefault()) {
                apply(host, windows);
            }
        }
    }

    private static void apply(Host host, Scenario.RouteWindows windows) {
        List<String> options = new ArrayList<>();
        if (windows.initcwnd() != null) {
            options.addAll(List.of("initcwnd", windows.initcwnd().toString()));
        }
        if (windows.initrwnd() != null) {
            options.addAll(List.of("initrwnd", windows.initrwnd().toString()));
        }
        for (String family : List.of("-4", "-6")) {
            for (String route : host.exec("ip", family, "route", "show").split("\n")) {
                if (route.isBlank()) {
                    continue;
                }
                List<String> command = new ArrayList<>(List.of("ip", family, "route", "change"));
                // A route as `ip route show` prints it, less any windows it already has, is its own specification.
                command.addAll(withoutWindows(route.strip().split("\\s+")));
                command.addAll(options);
                host.exec(command.toArray(String[]::new));
            }
        }
    }

    private static List<String> withoutWindows(String[] words) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            if (words[i].equals("initcwnd") || words[i].equals("initrwnd")) {
                i++;
            } else if (!words[i].equals("linkdown")) {
                kept.add(words[i]);
            }
        }
        return kept;
    }
}
