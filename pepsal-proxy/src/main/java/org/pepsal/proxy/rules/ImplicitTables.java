package org.pepsal.proxy.rules;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * nft tables that install created only as a side effect (iptables-nft creates {@code ip mangle} on first use):
 * dropped again when nothing but empty base chains with an accept policy is left in them (another program may
 * have added rules since: then they stay).
 */
final class ImplicitTables {
    private final CommandRunner runner;
    private final PrintWriter out;

    ImplicitTables(CommandRunner runner, PrintWriter out) {
        this.runner = runner;
        this.out = out;
    }

    /** Deletes those of the tables that are empty; returns what failed. */
    List<String> dropEmpty(List<String> tables) {
        List<String> failures = new ArrayList<>();
        for (String table : tables) {
            List<String> argv = new ArrayList<>(List.of("nft", "list", "table"));
            argv.addAll(List.of(table.split(" ")));
            CommandRunner.Result listing = runner.run(Command.of(argv));
            if (!listing.ok() || !isEmpty(listing.stdout())) {
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

    static boolean isEmpty(String listing) {
        return listing.lines().map(String::strip).allMatch(line -> line.isEmpty() || line.equals("}")
                || line.matches("(table|chain) \\S+( \\S+)? \\{")
                || line.matches("type \\S+ hook \\S+ priority \\S+; policy accept;"));
    }
}
