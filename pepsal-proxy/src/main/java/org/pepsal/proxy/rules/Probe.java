package org.pepsal.proxy.rules;

import java.util.List;
import java.util.function.Predicate;

/** How to tell whether a piece of the set-up is present: a read-only command and a test of its result. */
public record Probe(Command command, Predicate<CommandRunner.Result> present) {

    /** Present when the command succeeds (iptables -C, nft list table). */
    public static Probe exitZero(Command command) {
        return new Probe(command, CommandRunner.Result::ok);
    }

    /** Present when the command succeeds and prints something (ip rule show SELECTOR, ip route show ...). */
    public static Probe nonEmpty(Command command) {
        return new Probe(command, r -> r.ok() && !r.stdout().isBlank());
    }

    /** Present when one line of the command's output contains every fragment. */
    public static Probe lineWithAll(Command command, List<String> fragments) {
        return new Probe(command, r -> r.ok()
                && r.stdout().lines().anyMatch(line -> fragments.stream().allMatch(line::contains)));
    }

    public boolean test(CommandRunner runner) {
        return present.test(runner.run(command));
    }
}
