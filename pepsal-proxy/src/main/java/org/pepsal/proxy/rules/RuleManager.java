package org.pepsal.proxy.rules;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code rules install | remove | check}, and the proxy's first step when it stops, on one host and network
 * namespace: the entry point that gives each operation the same commands, system, state file and output.
 */
public final class RuleManager {
    private final StateFile stateFile;
    private final RuleInstaller installer;
    private final RuleRemover remover;
    private final RuleChecker checker;
    private final DivertStopper divertStopper;

    public RuleManager(CommandRunner runner, SystemAccess system, Path stateDir, PrintWriter out) {
        this.stateFile = StateFile.of(stateDir, system);
        this.installer = new RuleInstaller(runner, system, stateFile, out);
        this.remover = new RuleRemover(runner, system, stateFile, out);
        this.checker = new RuleChecker(runner, system, stateFile, out);
        this.divertStopper = new DivertStopper(runner, system, stateFile, out);
    }

    /** The state file of this network namespace. */
    public Path stateFile() {
        return stateFile.path();
    }

    /** Adds every missing piece, idempotently; on a failure rolls back this attempt and throws. */
    public void install(RuleBackend backend, TproxyRules rules, boolean forwarding) {
        installer.install(backend, rules, forwarding, null);
    }

    /** As {@link #install(RuleBackend, TproxyRules, boolean)}, and the satellite link's windows on its routes. */
    public void install(RuleBackend backend, TproxyRules rules, boolean forwarding, LinkWindows windows) {
        installer.install(backend, rules, forwarding, windows);
    }

    /**
     * Removes what install added: from the state file when there is one, otherwise the pieces these settings
     * describe, plus anything tagged as the proxy's. Returns false when some piece could not be removed.
     */
    public boolean remove(RuleBackend backend, TproxyRules fallback) {
        return remover.remove(backend, fallback);
    }

    /** As {@link #check(RuleBackend, TproxyRules, boolean, int)} without asking the proxy's metrics. */
    public boolean check(RuleBackend backend, TproxyRules rules, boolean forwarding) {
        return checker.check(backend, rules, forwarding, 0);
    }

    /**
     * Reports each piece and whether SYNs can reach the listener; true when everything is in place. With null rules
     * the installation recorded in the state file is checked; a metrics port > 0 also reads the proxy's count of
     * accepted connections.
     */
    public boolean check(RuleBackend backend, TproxyRules rules, boolean forwarding, int metricsPort) {
        return checker.check(backend, rules, forwarding, metricsPort);
    }

    /**
     * Takes the divert rules of the recorded installation out, keeping the return-traffic mark and the routing, so
     * that new connections pass unsplit while the proxy on {@code port} drains the ones it holds. Returns false,
     * having said why, when nothing was recorded for that port or a command failed; then the rules stay.
     */
    public boolean stopDiverting(int port) {
        return divertStopper.stopDiverting(port);
    }
}
