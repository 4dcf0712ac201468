package org.pepsal.proxy.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nftables: a table of its own, {@code inet pepsal}, with one prerouting chain at the mangle priority. The table
 * is written in one atomic transaction and removed whole, so nothing else in the ruleset is touched; to stop
 * diverting, it is rewritten without its tproxy rules in one transaction too.
 */
public final class NftBackend implements RuleBackend {
    public static final String TABLE = "pepsal";
    private static final Pattern COUNTER = Pattern.compile(
            "iifname \"([^\"]+)\" meta nfproto (ipv4|ipv6) .*counter packets (\\d+) bytes (\\d+)");

    @Override
    public String name() {
        return "nft";
    }

    @Override
    public List<String[]> programs(TproxyRules rules) {
        return List.<String[]>of(new String[] {"nft", "nftables"});
    }

    /** The table as nft reads it; the first two lines make the transaction replace an existing one. */
    public String script(TproxyRules rules) {
        return script(rules, true);
    }

    /** The table with or without its divert rules (without: only the return-traffic mark, for draining). */
    private static String script(TproxyRules rules, boolean divert) {
        StringBuilder s = new StringBuilder();
        s.append("table inet ").append(TABLE).append(" {}\n");
        s.append("delete table inet ").append(TABLE).append('\n');
        s.append("table inet ").append(TABLE).append(" {\n");
        s.append("  chain prerouting {\n");
        s.append("    type filter hook prerouting priority mangle; policy accept;\n");
        s.append("    meta l4proto tcp socket transparent 1 meta mark set ").append(rules.markHex())
                .append(" counter accept comment \"pepsal: return traffic of split connections\"\n");
        for (IpFamily family : divert ? rules.families() : List.<IpFamily>of()) {
            for (String iface : rules.interfaces()) {
                s.append("    iifname \"").append(nftName(iface)).append("\" meta nfproto ").append(family.nfproto)
                        .append(" meta l4proto tcp tcp flags & (fin|syn|rst|ack) == syn tproxy ")
                        .append(family.nftTproxyFamily).append(" to :")
                        .append(rules.port()).append(" meta mark set ").append(rules.markHex())
                        .append(" counter accept comment \"pepsal: divert to the proxy\"\n");
            }
        }
        s.append("  }\n}\n");
        return s.toString();
    }

    /** iptables writes a prefix wildcard as {@code eth+}, nft as {@code eth*}. */
    static String nftName(String iface) {
        return iface.endsWith("+") ? iface.substring(0, iface.length() - 1) + "*" : iface;
    }

    private static Command listTable() {
        return Command.of("nft", "list", "table", "inet", TABLE);
    }

    @Override
    public List<Step> steps(TproxyRules rules) {
        List<Step> steps = new ArrayList<>();
        List<List<String>> expected = new ArrayList<>();
        expected.add(List.of("socket transparent 1", "meta mark set " + nftHex(rules.mark())));
        for (IpFamily family : rules.families()) {
            for (String iface : rules.interfaces()) {
                expected.add(divertFragments(family, iface, rules));
            }
        }
        steps.add(new Step("nft table inet " + TABLE + " (prerouting chain, mangle priority)",
                new Command(List.of("nft", "-f", "-"), script(rules)),
                Command.of("nft", "delete", "table", "inet", TABLE),
                new Probe(listTable(), r -> r.ok() && expected.stream().allMatch(
                        fragments -> r.stdout().lines().anyMatch(line -> fragments.stream().allMatch(line::contains)))),
                "the proxy's nft table is missing or differs from these settings: nothing is diverted"));
        steps.add(new Step("return-traffic rule (socket transparent → mark " + rules.markHex() + ")", null, null,
                Probe.lineWithAll(listTable(), expected.get(0)),
                "packets for connections the proxy already holds (the server's SYN-ACK and data to the server leg) "
                        + "are not marked and are routed past the proxy: connections hang in PENDING"));
        int i = 1;
        for (IpFamily family : rules.families()) {
            for (String iface : rules.interfaces()) {
                steps.add(new Step(family.label + " tproxy rule on " + iface + " → port " + rules.port(), null, null,
                        Probe.lineWithAll(listTable(), expected.get(i++)),
                        "TCP connections arriving on " + iface + " are routed as usual and never reach the proxy"));
            }
        }
        for (IpFamily family : rules.families()) {
            steps.addAll(RoutingSteps.steps(family, rules));
        }
        return steps;
    }

    private static List<String> divertFragments(IpFamily family, String iface, TproxyRules rules) {
        return List.of("iifname \"" + nftName(iface) + "\"", "meta nfproto " + family.nfproto,
                "tproxy " + family.nftTproxyFamily + " to :" + rules.port(), "meta mark set " + nftHex(rules.mark()));
    }

    /** nft prints marks with eight hex digits. */
    static String nftHex(int mark) {
        return String.format("0x%08x", mark);
    }

    @Override
    public List<Command> leftovers(CommandRunner runner) {
        if (runner.exists("nft") && runner.run(listTable()).ok()) {
            return List.of(Command.of("nft", "delete", "table", "inet", TABLE));
        }
        return List.of();
    }

    @Override
    public List<Command> stopDiverting(CommandRunner runner, TproxyRules rules) {
        if (!runner.run(listTable()).ok()) {
            return List.of();
        }
        return List.of(new Command(List.of("nft", "-f", "-"), script(rules, false)));
    }

    @Override
    public List<String> foreignMarkUses(CommandRunner runner, TproxyRules rules) {
        List<String> uses = new ArrayList<>();
        CommandRunner.Result ruleset = runner.run(Command.of("nft", "list", "ruleset"));
        String table = null;
        String hex = nftHex(rules.mark());
        for (String line : ruleset.stdout().lines().toList()) {
            if (line.startsWith("table ")) {
                table = line.replace("{", "").strip();
            } else if (!("table inet " + TABLE).equals(table)
                    && line.matches(".*\\bmark (set )?" + hex + "\\b.*")) {
                uses.add("nft rule in '" + table + "': '" + line.strip() + "' already uses mark " + hex
                        + " (choose another --mark)");
            }
        }
        return uses;
    }

    @Override
    public List<String> divertCounters(CommandRunner runner, TproxyRules rules) {
        List<String> lines = new ArrayList<>();
        for (String line : runner.run(listTable()).stdout().lines().toList()) {
            Matcher m = COUNTER.matcher(line);
            if (m.find()) {
                lines.add((m.group(2).equals("ipv4") ? "IPv4" : "IPv6") + " tproxy on " + m.group(1) + ": "
                        + m.group(3) + " packets diverted");
            }
        }
        return lines;
    }
}
