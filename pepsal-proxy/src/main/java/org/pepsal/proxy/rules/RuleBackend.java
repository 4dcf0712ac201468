package org.pepsal.proxy.rules;

import java.util.List;

/** A way to express {@link TproxyRules} in netfilter: iptables (the mangle table) or nft (a table of its own). */
public interface RuleBackend {
    /** {@code iptables} or {@code nft}. */
    String name();

    /** The programs this backend runs for these rules (besides {@code ip}), with the Debian package of each. */
    List<String[]> programs(TproxyRules rules);

    /** Every piece of the set-up in install order, the routing pieces included. */
    List<Step> steps(TproxyRules rules);

    /**
     * Commands that take away whatever this backend's tag marks as the proxy's, whatever settings it was installed
     * with (a crashed install, a lost state file, changed options). Read-only commands only are run to find them.
     */
    List<Command> leftovers(CommandRunner runner);

    /** Lines of other netfilter rules (not the proxy's) that use the mark: a conflict. */
    List<String> foreignMarkUses(CommandRunner runner, TproxyRules rules);

    /**
     * nftables tables that do not exist yet and that installing will create as a side effect (iptables-nft creates
     * {@code ip mangle} on first use): remove drops them again when they are empty, so that the ruleset is as it was.
     */
    default List<String> implicitTables(CommandRunner runner, TproxyRules rules) {
        return List.of();
    }

    /** Every table {@link #implicitTables} may name for these rules: all a state file may ask remove to drop. */
    default List<String> possibleImplicitTables(TproxyRules rules) {
        return List.of();
    }

    /**
     * The commands that stop diverting new connections and keep everything else (the return-traffic mark, the
     * routing), so that the connections the proxy holds keep reaching it while it drains. Only pieces that are
     * present are taken out (read-only commands find them).
     */
    List<Command> stopDiverting(CommandRunner runner, TproxyRules rules);

    /** Packets each divert rule has matched so far, as lines for {@code rules check}. */
    List<String> divertCounters(CommandRunner runner, TproxyRules rules);

    static RuleBackend named(String name) {
        return switch (name) {
            case "iptables" -> new IptablesBackend();
            case "nft", "nftables" -> new NftBackend();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "': iptables or nft");
        };
    }

    static List<RuleBackend> all() {
        return List.of(new IptablesBackend(), new NftBackend());
    }
}
