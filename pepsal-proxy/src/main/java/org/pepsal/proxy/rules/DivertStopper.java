package org.pepsal.proxy.rules;

import java.io.PrintWriter;
import java.util.List;

/**
 * The first step of stopping the proxy without an outage: the divert (TPROXY) rules of the installation recorded in
 * the state file come out, the return-traffic mark and the routing stay. New connections are then routed past the
 * proxy, unsplit, while the ones it holds keep reaching its sockets and drain; {@code rules install} puts the divert
 * back (the restarted proxy's), {@code rules remove} takes the rest away.
 */
final class DivertStopper extends RuleOperation {
    DivertStopper(CommandRunner runner, SystemAccess system, StateFile stateFile, PrintWriter out) {
        super(runner, system, stateFile, out);
    }

    /** True when nothing diverts to {@code port} any more; false (having said why) when the rules stay as they are. */
    boolean stopDiverting(int port) {
        RuleState state = stateFile.read();
        if (state == null) {
            out.println("no state file " + stateFile + ": the divert rules were not installed by `pepsal rules "
                    + "install` here (or with another --state-dir), so they stay");
            return false;
        }
        if (state.port() != port) {
            out.println("the rules recorded in " + stateFile + " divert to port " + state.port() + ", not to port "
                    + port + ": they stay");
            return false;
        }
        TproxyRules rules = state.rules();
        RuleBackend backend = RuleBackend.named(state.backend());
        List<String[]> absent = backend.programs(rules).stream().filter(p -> !runner.exists(p[0])).toList();
        if (!absent.isEmpty()) {
            out.println(absent.get(0)[0] + " is not installed any more: the divert rules stay");
            return false;
        }
        List<Command> commands = backend.stopDiverting(runner, rules);
        for (Command command : commands) {
            CommandRunner.Result result = runner.run(command);
            if (!result.ok()) {
                out.println("could not stop diverting: " + command.toShell() + " → " + result.message());
                return false;
            }
        }
        out.println((commands.isEmpty() ? "no divert rule was present" : "stopped diverting")
                + " new connections on " + String.join(", ", rules.interfaces()) + " to port " + port
                + " (the return-traffic mark and the routing stay for the connections the proxy holds)");
        return true;
    }
}
