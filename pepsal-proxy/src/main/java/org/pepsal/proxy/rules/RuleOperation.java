package org.pepsal.proxy.rules;

import java.io.PrintWriter;

/** What install, remove and check work on: the commands, the system, this namespace's state file, the report. */
abstract class RuleOperation {
    final CommandRunner runner;
    final SystemAccess system;
    final StateFile stateFile;
    final PrintWriter out;
    final Preflight preflight;

    RuleOperation(CommandRunner runner, SystemAccess system, StateFile stateFile, PrintWriter out) {
        this.runner = runner;
        this.system = system;
        this.stateFile = stateFile;
        this.out = out;
        this.preflight = new Preflight(runner, system);
    }
}
