package org.pepsal.proxy.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * iptables (or ip6tables): a {@code PEPSAL} chain in the mangle table that marks and accepts, a jump to it from
 * PREROUTING for packets of transparent sockets, and a TPROXY rule for SYNs per interface. Every PREROUTING rule
 * carries the comment {@value TproxyRules#COMMENT}.
 */
public final class IptablesBackend implements RuleBackend {

    @Override
    public String name() {
        return "iptables";
    }

    @Override
    public List<String[]> programs(TproxyRules rules) {
        List<String[]> programs = new ArrayList<>();
        for (IpFamily family : rules.families()) {
            programs.add(new String[] {family.iptables, "iptables"});
            programs.add(new String[] {family.iptables + "-save", "iptables"});
        }
        return programs;
    }

    @Override
    public List<Step> steps(TproxyRules rules) {
        List<Step> steps = new ArrayList<>();
        String mark = Integer.toString(rules.mark());
        for (IpFamily family : rules.families()) {
            String ipt = family.iptables;
            String l = family.label;
            steps.add(new Step(l + " chain " + TproxyRules.CHAIN + " in the mangle table",
                    Command.of(ipt, "-t", "mangle", "-N", TproxyRules.CHAIN),
                    Command.of(ipt, "-t", "mangle", "-X", TproxyRules.CHAIN),
                    Probe.exitZero(Command.of(ipt, "-t", "mangle", "-S", TproxyRules.CHAIN)),
                    "the chain that marks packets of the proxy's own connections is missing"));
            List<String> markRule = List.of("-j", "MARK", "--set-mark", mark);
            steps.add(ruleStep(l + " chain " + TproxyRules.CHAIN + " marks with " + rules.markHex(), ipt,
                    TproxyRules.CHAIN, "-A", markRule,
                    "packets of split connections are not marked, so the server's answers are forwarded to the "
                            + "client directly instead of reaching the proxy's server leg"));
            steps.add(ruleStep(l + " chain " + TproxyRules.CHAIN + " accepts", ipt, TproxyRules.CHAIN, "-A",
                    List.of("-j", "ACCEPT"),
                    "marked packets of split connections fall through to the TPROXY rule again"));
            steps.add(ruleStep(l + " return-traffic rule (-m socket --transparent → " + TproxyRules.CHAIN + ")", ipt,
                    "PREROUTING", "-I", List.of("-p", "tcp", "-m", "socket", "--transparent", "-m", "comment",
                            "--comment", TproxyRules.COMMENT, "-j", TproxyRules.CHAIN),
                    "packets for connections the proxy already holds (the server's SYN-ACK and data to the server "
                            + "leg) are not marked and are routed past the proxy: connections hang in PENDING"));
            for (String iface : rules.interfaces()) {
                steps.add(ruleStep(l + " TPROXY rule on " + iface + " → port " + rules.port(), ipt, "PREROUTING", "-A",
                        List.of("-i", iface, "-p", "tcp", "--syn", "-m", "comment", "--comment", TproxyRules.COMMENT,
                                "-j", "TPROXY", "--on-port", Integer.toString(rules.port()), "--tproxy-mark",
                                mark + "/" + mark),
                        "TCP connections arriving on " + iface + " are routed as usual and never reach the proxy"));
            }
            steps.addAll(RoutingSteps.steps(family, rules));
        }
        return steps;
    }

    private static Step ruleStep(String what, String ipt, String chain, String addVerb, List<String> spec,
                                 String whenMissing) {
        return new Step(what, Command.of(concat(List.of(ipt, "-t", "mangle", addVerb, chain), spec)),
                Command.of(concat(List.of(ipt, "-t", "mangle", "-D", chain), spec)),
                Probe.exitZero(Command.of(concat(List.of(ipt, "-t", "mangle", "-C", chain), spec))), whenMissing);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Override
    public List<Command> leftovers(CommandRunner runner) {
        List<Command> commands = new ArrayList<>();
        for (IpFamily family : IpFamily.values()) {
            if (!runner.exists(family.iptables)) {
                continue;
            }
            CommandRunner.Result rules = runner.run(Command.of(family.iptables, "-t", "mangle", "-S", "PREROUTING"));
            for (String line : rules.stdout().lines().toList()) {
                if (line.startsWith("-A PREROUTING ") && (line.contains("--comment " + TproxyRules.COMMENT + " ")
                        || line.endsWith("--comment " + TproxyRules.COMMENT)
                        || line.contains("-j " + TproxyRules.CHAIN))) {
                    List<String> argv = new ArrayList<>(List.of(family.iptables, "-t", "mangle", "-D"));
                    argv.addAll(List.of(line.substring(3).split(" ")));
                    commands.add(Command.of(argv));
                }
            }
            if (runner.run(Command.of(family.iptables, "-t", "mangle", "-S", TproxyRules.CHAIN)).ok()) {
                commands.add(Command.of(family.iptables, "-t", "mangle", "-F", TproxyRules.CHAIN));
                commands.add(Command.of(family.iptables, "-t", "mangle", "-X", TproxyRules.CHAIN));
            }
        }
        return commands;
    }

    @Override
    public List<Command> stopDiverting(CommandRunner runner, TproxyRules rules) {
        return steps(rules).stream().filter(s -> !s.checkOnly() && s.apply().argv().contains("TPROXY"))
                .filter(s -> s.probe().test(runner)).map(Step::undo).toList();
    }

    @Override
    public List<String> foreignMarkUses(CommandRunner runner, TproxyRules rules) {
        List<String> uses = new ArrayList<>();
        String hex = rules.markHex();
        for (IpFamily family : rules.families()) {
            CommandRunner.Result saved = runner.run(Command.of(family.iptables + "-save", "-t", "mangle"));
            for (String line : saved.stdout().lines().toList()) {
                if (!line.startsWith("-A ") || line.startsWith("-A " + TproxyRules.CHAIN + " ")
                        || line.contains("--comment " + TproxyRules.COMMENT)) {
                    continue;
                }
                if (line.matches(".*(--set-x?mark|--tproxy-mark|--mark) " + hex + "(/0x[0-9a-f]+)?( .*|$)")) {
                    uses.add(family.label + " mangle rule '" + line + "' already uses mark " + hex
                            + " (choose another --mark)");
                }
            }
        }
        return uses;
    }

    @Override
    public List<String> implicitTables(CommandRunner runner, TproxyRules rules) {
        List<String> tables = new ArrayList<>();
        if (!runner.exists("nft")) {
            return tables;
        }
        for (IpFamily family : rules.families()) {
            boolean nftFlavour = runner.run(Command.of(family.iptables, "-V")).stdout().contains("nf_tables");
            if (nftFlavour && !runner.run(Command.of("nft", "list", "table", family.nftTproxyFamily, "mangle")).ok()) {
                tables.add(mangleTable(family));
            }
        }
        return tables;
    }

    @Override
    public List<String> possibleImplicitTables(TproxyRules rules) {
        return rules.families().stream().map(IptablesBackend::mangleTable).toList();
    }

    /** The nft table iptables-nft puts the mangle rules of a family in ({@code ip mangle}, {@code ip6 mangle}). */
    private static String mangleTable(IpFamily family) {
        return family.nftTproxyFamily + " mangle";
    }

    @Override
    public List<String> divertCounters(CommandRunner runner, TproxyRules rules) {
        List<String> lines = new ArrayList<>();
        for (IpFamily family : rules.families()) {
            CommandRunner.Result listing = runner.run(Command.of(family.iptables, "-t", "mangle", "-L", "PREROUTING",
                    "-v", "-x", "-n"));
            for (String line : listing.stdout().lines().toList()) {
                String[] f = line.strip().split("\\s+");
                // pkts bytes target prot opt in out source destination ...
                if (f.length > 6 && f[2].equals("TPROXY") && line.contains("/* " + TproxyRules.COMMENT + " */")) {
                    lines.add(family.label + " TPROXY on " + f[5] + ": " + f[0] + " packets diverted");
                }
            }
        }
        return lines;
    }
}
