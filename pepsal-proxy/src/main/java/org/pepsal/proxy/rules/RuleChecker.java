package org.pepsal.proxy.rules;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code rules check}: reports each piece of the set-up, the initial windows install gave the satellite routes (as
 * the kernel lists them now), the forwarding sysctls, the listener, the divert counters
 * and (with a metrics port) what the proxy accepted, then a verdict on whether SYNs reach the listener. Changes
 * nothing.
 */
final class RuleChecker extends RuleOperation {
    RuleChecker(CommandRunner runner, SystemAccess system, StateFile stateFile, PrintWriter out) {
        super(runner, system, stateFile, out);
    }

    /**
     * True when everything is in place. With null rules the installation recorded in the state file is checked; a
     * metrics port > 0 also asks the proxy how many connections it accepted.
     */
    boolean check(RuleBackend backend, TproxyRules rules, boolean forwarding, int metricsPort) {
        preflight.programs(List.of());
        preflight.netAdmin();
        RuleState state = stateFile.read();
        if (rules == null) {
            if (state == null) {
                throw new RulesException("nothing recorded in " + stateFile + " and no --iface given: say which "
                        + "interfaces to check (--iface IF)");
            }
            backend = RuleBackend.named(state.backend());
            rules = state.rules();
            forwarding = !state.sysctlsSet().isEmpty();
        }
        if (state != null && !state.sameAs(backend, rules)) {
            out.println("the state file " + stateFile + " records an installation with other settings ("
                    + state.describe() + "); checking that one");
            backend = RuleBackend.named(state.backend());
            rules = state.rules();
            forwarding = !state.sysctlsSet().isEmpty();
        } else if (state == null) {
            out.println("no state file " + stateFile + ": `pepsal rules install` has not run in this network "
                    + "namespace (or /run was cleared)");
        }
        preflight.programs(backend.programs(rules));
        out.println("checking " + RuleState.of(backend, rules, Map.of(), Map.of(), null, null).describe());
        List<String> missing = new ArrayList<>();
        checkSteps(backend, rules, missing);
        if (state != null) {
            // The windows make connections start at the link's rate; without them SYNs still reach the proxy.
            new RouteWindowChanges(runner, out).report(state.routeWindows());
        }
        checkForwarding(rules, forwarding, missing);
        checkListener(rules, missing);
        List<String> counters = backend.divertCounters(runner, rules);
        counters.forEach(line -> out.println("counter  " + line));
        long diverted = counters.stream().mapToLong(RuleChecker::leadingCount).sum();
        if (metricsPort > 0) {
            checkAccepted(rules, metricsPort, diverted, missing);
        }
        if (missing.isEmpty()) {
            out.println("verdict: SYNs arriving on " + String.join(", ", rules.interfaces())
                    + " reach the listener on port " + rules.port() + (diverted > 0
                    ? " (" + diverted + " packets diverted so far)"
                    : " (no packet diverted yet: no TCP connection has arrived on these interfaces)"));
            return true;
        }
        out.println("verdict: SYNs do NOT reach the listener; fix the MISSING lines above "
                + "(`pepsal rules install` adds the rules, idempotently)");
        return false;
    }

    private void checkSteps(RuleBackend backend, TproxyRules rules, List<String> missing) {
        for (Step step : backend.steps(rules)) {
            if (step.probe().test(runner)) {
                out.println("ok       " + step.what());
            } else {
                out.println("MISSING  " + step.what() + "\n         → " + step.whenMissing());
                missing.add(step.what());
            }
        }
    }

    private void checkForwarding(TproxyRules rules, boolean forwarding, List<String> missing) {
        for (IpFamily family : rules.families()) {
            String value = system.sysctl(family.forwardingSysctl);
            if ("1".equals(value)) {
                out.println("ok       " + family.forwardingSysctl + " = 1");
            } else if (forwarding) {
                out.println("MISSING  " + family.forwardingSysctl + " = " + value + "\n         → this host does not "
                        + "forward what is not diverted (UDP, ICMP, DNS): clients reach nothing but proxied TCP");
                missing.add(family.forwardingSysctl);
            } else {
                out.println("note     " + family.forwardingSysctl + " = " + value + " (forwarding is off)");
            }
        }
    }

    private void checkListener(TproxyRules rules, List<String> missing) {
        if (system.tcpListening(rules.port())) {
            out.println("ok       a socket listens on TCP port " + rules.port());
        } else {
            out.println("MISSING  listener on TCP port " + rules.port() + "\n         → diverted SYNs find no "
                    + "socket and are dropped: start the proxy (`pepsal -p " + rules.port() + "`, or the systemd unit),"
                    + " or give rules the proxy's --port");
            missing.add("listener");
        }
    }

    private void checkAccepted(TproxyRules rules, int metricsPort, long diverted, List<String> missing) {
        long accepted = system.acceptedByProxy(metricsPort);
        if (accepted < 0) {
            out.println("note     no metrics on 127.0.0.1:" + metricsPort + " (is the proxy running with "
                    + "--metrics-port " + metricsPort + "?)");
            return;
        }
        out.println("counter  the proxy accepted " + accepted + " connection(s) since it started");
        if (accepted == 0 && diverted > 0 && missing.isEmpty()) {
            out.println("MISSING  accepted connections\n         → packets are diverted but the proxy has "
                    + "accepted none: is the listener the proxy (not another program on port " + rules.port()
                    + "), listening on every address (no --address), with IP_TRANSPARENT?");
            missing.add("accepted connections");
        }
    }

    private static long leadingCount(String counterLine) {
        String digits = counterLine.replaceAll(".*: (\\d+) packets.*", "$1");
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
