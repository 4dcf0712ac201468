package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.PepProcess;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Short connections one after another through one proxy (connect, 4 bytes each way, reset): every one must
 * complete, none hang, and the proxy's table must be empty afterwards (no entry leaked on the way).
 */
record SequentialSoak(long connections) implements SoakCheck {
    @Override
    public String name() {
        return "sequential short connections";
    }

    @Override
    public SoakOutcome run(SoakContext context) {
        PepProcess pep = context.proxy("sequential", List.of());
        try {
            ShortConnections.Result result = context.shortConnections("sequential", 1, connections);
            long left = SoakContext.tableAfter(pep, Duration.ofSeconds(5));
            boolean passed = result.completed() == connections && result.failed() == 0 && result.hung() == 0
                    && left == 0 && pep.process().isAlive();
            return new SoakOutcome(name(), passed, List.of(
                    String.format(Locale.ROOT, "%d of %d completed, %d failed, %d hung (no progress for %d s)",
                            result.completed(), connections, result.failed(), result.hung(),
                            SoakContext.HANG.toSeconds()),
                    String.format(Locale.ROOT, "%.0f connections/s over %.0f s; table afterwards: %d entries",
                            result.perSecond(), result.seconds(), left)));
        } finally {
            pep.stop();
        }
    }
}
