package org.pepsal.proxy.cli;

import org.pepsal.proxy.rules.ProcessCommandRunner;
import org.pepsal.proxy.rules.RuleManager;
import org.pepsal.proxy.rules.RulesException;
import org.pepsal.proxy.rules.SystemAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/**
 * The proxy's first step on SIGTERM: the TPROXY rules that {@code rules install} recorded for its port come out
 * (the return-traffic mark and the routing stay), so that new connections pass unsplit while the open ones drain
 * and no client meets a listener that resets it. What happened goes to the log.
 */
final class DivertOnStop {
    private static final Logger LOG = LoggerFactory.getLogger(DivertOnStop.class);

    private DivertOnStop() {
    }

    /** True when nothing diverts to the port any more. */
    static boolean stop(Path stateDir, int port) {
        StringWriter report = new StringWriter();
        boolean stopped;
        try {
            stopped = new RuleManager(new ProcessCommandRunner(), SystemAccess.LOCAL, stateDir,
                    new PrintWriter(report, true)).stopDiverting(port);
        } catch (RulesException e) {
            report.append(e.getMessage()).append('\n');
            stopped = false;
        }
        report.toString().lines().forEach(line -> LOG.info("rules: {}", line));
        if (!stopped) {
            LOG.info("new connections are still diverted here: they are reset while the proxy drains");
        }
        return stopped;
    }
}
