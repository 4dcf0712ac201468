package org.pepsal.proxy.rules;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rules install | remove | check}: applies the steps of a {@link RuleBackend}, idempotently, with a roll-back
 * of everything it added when one step fails, and a state file ({@link RuleState}) that lets remove undo exactly
 * what install did.
 */
public final class RuleManager {
    private final CommandRunner runner;
    private final SystemAccess system;
    private final Path stateDir;
    private final PrintWriter out;

    public RuleManager(CommandRunner runner, SystemAccess system, Path stateDir, PrintWriter out) {
        this.runner = runner;
        this.system = system;
        this.stateDir = stateDir;
        this.out = out;
    }

    /** The state file of this network namespace. */
    public Path stateFile() {
        return RuleState.file(stateDir, system);
    }

    // ---------------------------------------------------------------- --print

    /** The commands install would run, as shell lines. */
    public static List<String> installScript(RuleBackend backend, TproxyRules rules, boolean forwarding) {
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

    /** The commands remove would run after such an install, as shell lines. */
    public static List<String> removeScript(RuleBackend backend, TproxyRules rules, boolean forwarding) {
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
    public static List<String> checkScript(RuleBackend backend, TproxyRules rules) {
        return backend.steps(rules).stream().map(s -> s.probe().command().toShell()).distinct().toList();
    }

    // ---------------------------------------------------------------- install

    public void install(RuleBackend backend, TproxyRules rules, boolean forwarding) {
        preflight(backend, rules, true);
        Path stateFile = stateFile();
        RuleState existing = RuleState.read(stateFile);
        if (existing != null && !existing.sameAs(backend, rules)) {
            out.println("an installation with other settings is present (" + describe(existing) + "): removing it");
            List<String> failures = removeInstalled(existing, existing.rules());
            if (!failures.isEmpty()) {
                throw new RulesException("could not remove the earlier installation, nothing new was installed:\n  "
                        + String.join("\n  ", failures));
            }
            existing = null;
        }
        if (existing == null) {
            List<Command> leftovers = leftovers();
            if (!leftovers.isEmpty()) {
                out.println("removing what an earlier installation left (tagged '" + TproxyRules.COMMENT + "'):");
                List<String> failures = runAll(leftovers);
                if (!failures.isEmpty()) {
                    throw new RulesException("could not remove the leftovers of an earlier installation:\n  "
                            + String.join("\n  ", failures));
                }
            }
        }
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
        // Written before the first change, so that remove can clean up after an install that was killed.
        RuleState.of(backend, rules, before, set, implicitTables, Instant.now().toString()).write(stateFile);

        List<Step> added = new ArrayList<>();
        Map<String, String> sysctlsChanged = new LinkedHashMap<>();
        try {
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
                sysctlsChanged.put(e.getKey(), current);
                out.println("set      " + e.getKey() + " = " + e.getValue() + " (was " + current + ")");
            }
        } catch (RulesException e) {
            List<String> failures = rollBack(added, sysctlsChanged);
            if (existing == null) {
                failures.addAll(dropEmptyTables(implicitTables));
                deleteQuietly(stateFile);
            }
            throw new RulesException(e.getMessage() + "\n" + (failures.isEmpty()
                    ? "rolled back: " + (added.size() + sysctlsChanged.size()) + " change(s) undone, nothing of this "
                            + "attempt remains"
                    : "roll-back incomplete, run `pepsal rules remove`:\n  " + String.join("\n  ", failures)));
        }
        out.println("installed (" + describe(RuleState.of(backend, rules, before, set, null, null)) + "); state in "
                + stateFile);
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

    // ---------------------------------------------------------------- remove

    /**
     * Removes what install added: from the state file when there is one, otherwise the pieces these settings
     * describe, plus anything tagged as the proxy's. Returns false when some piece could not be removed.
     */
    public boolean remove(RuleBackend backend, TproxyRules fallback) {
        preflightPrograms(List.of());
        requireNetAdmin();
        Path stateFile = stateFile();
        RuleState state = RuleState.read(stateFile);
        List<String> failures;
        if (state != null) {
            if (fallback != null && !state.sameAs(backend, fallback)) {
                out.println("removing the installation recorded in " + stateFile + " (" + describe(state) + ")");
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

    private List<String> removeInstalled(RuleState state, TproxyRules rules) {
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
            (step.apply().argv().get(0).equals("ip") ? routing : netfilter).add(step);
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
                    removed++;
                    out.println("restored " + e.getKey() + " = " + before);
                } catch (IOException ex) {
                    failures.add("restore " + e.getKey() + " = " + before + ": " + ex.getMessage());
                }
            }
        }
        if (state != null) {
            List<String> dropped = dropEmptyTables(state.implicitTables());
            failures.addAll(dropped);
        }
        if (removed == 0 && failures.isEmpty()) {
            out.println("nothing to remove");
        }
        if (failures.isEmpty()) {
            deleteQuietly(stateFile());
        }
        return failures;
    }

    /**
     * Deletes nft tables that install created only as a side effect, when nothing but empty base chains with an
     * accept policy is left in them (another program may have added rules since: then they stay).
     */
    private List<String> dropEmptyTables(List<String> tables) {
        List<String> failures = new ArrayList<>();
        for (String table : tables) {
            List<String> argv = new ArrayList<>(List.of("nft", "list", "table"));
            argv.addAll(List.of(table.split(" ")));
            CommandRunner.Result listing = runner.run(Command.of(argv));
            if (!listing.ok() || !isEmptyTable(listing.stdout())) {
                continue;
            }
            List<String> delete = new ArrayList<>(List.of("nft", "delete", "table"));
            delete.addAll(List.of(table.split(" ")));
            CommandRunner.Result result = runner.run(Command.of(delete));
            if (result.ok()) {
                out.println("removed  empty nft table " + table + " (created by iptables at install)");
            } else {
                failures.add(Command.of(delete).toShell() + " → " + result.message());
            }
        }
        return failures;
    }

    static boolean isEmptyTable(String listing) {
        return listing.lines().map(String::strip).allMatch(line -> line.isEmpty() || line.equals("}")
                || line.matches("(table|chain) \\S+( \\S+)? \\{")
                || line.matches("type \\S+ hook \\S+ priority \\S+; policy accept;"));
    }

    /** The routing steps of a backend whose netfilter program is missing (the routing part needs only ip). */
    private static List<Step> routingOnly(List<Step> steps) {
        return steps.stream().filter(s -> !s.checkOnly() && s.apply().argv().get(0).equals("ip")).toList();
    }

    private List<Command> leftovers() {
        List<Command> commands = new ArrayList<>();
        for (RuleBackend backend : RuleBackend.all()) {
            commands.addAll(backend.leftovers(runner));
        }
        return commands;
    }

    private List<String> runAll(List<Command> commands) {
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

    // ---------------------------------------------------------------- check

    /**
     * Reports each piece and whether SYNs can reach the listener; true when everything is in place. With null rules
     * the installation recorded in the state file is checked.
     */
    public boolean check(RuleBackend backend, TproxyRules rules, boolean forwarding) {
        return check(backend, rules, forwarding, 0);
    }

    /** As {@link #check(RuleBackend, TproxyRules, boolean)}, also reading the proxy's metrics when the port is > 0. */
    public boolean check(RuleBackend backend, TproxyRules rules, boolean forwarding, int metricsPort) {
        preflightPrograms(List.of());
        requireNetAdmin();
        RuleState state = RuleState.read(stateFile());
        if (rules == null) {
            if (state == null) {
                throw new RulesException("nothing recorded in " + stateFile() + " and no --iface given: say which "
                        + "interfaces to check (--iface IF)");
            }
            backend = RuleBackend.named(state.backend());
            rules = state.rules();
            forwarding = !state.sysctlsSet().isEmpty();
        }
        if (state != null && !state.sameAs(backend, rules)) {
            out.println("the state file " + stateFile() + " records an installation with other settings ("
                    + describe(state) + "); checking that one");
            backend = RuleBackend.named(state.backend());
            rules = state.rules();
            forwarding = !state.sysctlsSet().isEmpty();
        } else if (state == null) {
            out.println("no state file " + stateFile() + ": `pepsal rules install` has not run in this network "
                    + "namespace (or /run was cleared)");
        }
        preflightPrograms(backend.programs(rules));
        out.println("checking " + describe(RuleState.of(backend, rules, Map.of(), Map.of(), null, null)));
        List<String> missing = new ArrayList<>();
        for (Step step : backend.steps(rules)) {
            boolean present = step.probe().test(runner);
            if (present) {
                out.println("ok       " + step.what());
            } else {
                out.println("MISSING  " + step.what() + "\n         → " + step.whenMissing());
                missing.add(step.what());
            }
        }
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
        boolean listening = system.tcpListening(rules.port());
        if (listening) {
            out.println("ok       a socket listens on TCP port " + rules.port());
        } else {
            out.println("MISSING  listener on TCP port " + rules.port() + "\n         → diverted SYNs find no "
                    + "socket and are dropped: start the proxy (`pepsal -p " + rules.port() + "`, or the systemd unit),"
                    + " or give rules the proxy's --port");
            missing.add("listener");
        }
        List<String> counters = backend.divertCounters(runner, rules);
        counters.forEach(line -> out.println("counter  " + line));
        long diverted = counters.stream().mapToLong(RuleManager::leadingCount).sum();
        if (metricsPort > 0) {
            long accepted = system.acceptedByProxy(metricsPort);
            if (accepted < 0) {
                out.println("note     no metrics on 127.0.0.1:" + metricsPort + " (is the proxy running with "
                        + "--metrics-port " + metricsPort + "?)");
            } else {
                out.println("counter  the proxy accepted " + accepted + " connection(s) since it started");
                if (accepted == 0 && diverted > 0 && missing.isEmpty()) {
                    out.println("MISSING  accepted connections\n         → packets are diverted but the proxy has "
                            + "accepted none: is the listener the proxy (not another program on port " + rules.port()
                            + "), listening on every address (no --address), with IP_TRANSPARENT?");
                    missing.add("accepted connections");
                }
            }
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

    private static long leadingCount(String counterLine) {
        String digits = counterLine.replaceAll(".*: (\\d+) packets.*", "$1");
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ---------------------------------------------------------------- preflight

    private void preflight(RuleBackend backend, TproxyRules rules, boolean changes) {
        preflightPrograms(backend.programs(rules));
        if (changes) {
            requireNetAdmin();
        }
        List<String> unknown = new ArrayList<>();
        for (String iface : rules.interfaces()) {
            if (!iface.endsWith("+") && !runner.run(Command.of("ip", "link", "show", "dev", iface)).ok()) {
                unknown.add(iface);
            }
        }
        if (!unknown.isEmpty()) {
            List<String> present = runner.run(Command.of("ip", "-o", "link", "show")).stdout().lines()
                    .map(l -> l.replaceFirst("^\\d+:\\s*([^:@]+).*", "$1")).toList();
            throw new RulesException("no interface named " + String.join(", ", unknown) + " here (this host has: "
                    + String.join(", ", present) + "): check --iface; nothing was installed");
        }
    }

    private void preflightPrograms(List<String[]> programs) {
        List<String[]> all = new ArrayList<>(programs);
        all.add(0, new String[] {"ip", "iproute2"});
        for (String[] program : all) {
            if (!runner.exists(program[0])) {
                throw new RulesException(program[0] + " is not installed (not on the PATH, nor in /usr/sbin): "
                        + "install it with `apt-get install " + program[1] + "`"
                        + (program[1].equals("iptables") ? ", or use --backend nft"
                           : program[1].equals("nftables") ? ", or use --backend iptables" : "")
                        + "; nothing was changed");
            }
        }
    }

    private void requireNetAdmin() {
        if (!system.hasNetAdmin()) {
            throw new RulesException("changing or reading netfilter rules needs CAP_NET_ADMIN, which this process "
                    + "lacks: run it as root, or grant the capability (systemd: AmbientCapabilities=CAP_NET_ADMIN; "
                    + "docker: --cap-add NET_ADMIN); nothing was changed");
        }
    }

    static String describe(RuleState state) {
        return "backend " + state.backend() + ", interfaces " + String.join(",", state.interfaces()) + ", port "
                + state.port() + ", mark 0x" + Integer.toHexString(state.mark()) + ", table " + state.table()
                + (state.ipv6() ? ", IPv4+IPv6" : ", IPv4");
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale state file only makes the next remove look for rules that are not there
        }
    }
}
