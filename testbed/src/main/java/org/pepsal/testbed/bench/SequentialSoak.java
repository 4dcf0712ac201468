package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.PepProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Short connections one after another (connect, 4 bytes each way, reset): every one must complete and none hang.
 * Through one proxy, whose table must be empty afterwards (no entry leaked on the way); or, with {@code routed},
 * the same load with the gateway only routing (its divert rules out for the while): the control, which says
 * whether the client, the server or the kernel fail connections on their own at this rate.
 */
record SequentialSoak(long connections, boolean routed) implements SoakCheck {
    @Override
    public String name() {
        return routed ? "sequential short connections, routed (control, no proxy)" : "sequential short connections";
    }

    @Override
    public String criterion() {
        return "all " + connections + " complete, none fail or hang"
                + (routed ? "" : ", the proxy's table is empty afterwards and the proxy still runs");
    }

    @Override
    public SoakOutcome run(SoakContext context) {
        if (routed) {
            context.undivert();
            try {
                ShortConnections.Result result = context.shortConnections("sequential-routed", 1, connections);
                List<String> figures = new ArrayList<>(List.of(counted(result)));
                figures.addAll(SoakContext.failures(result));
                return new SoakOutcome(name(), SoakContext.allCompleted(result, connections).list(), figures);
            } finally {
                context.divert();
            }
        }
        PepProcess pep = context.proxy("sequential", List.of());
        try {
            ShortConnections.Result result = context.shortConnections("sequential", 1, connections);
            long left = SoakContext.tableAfter(pep, Duration.ofSeconds(5));
            var unmet = SoakContext.allCompleted(result, connections)
                    .require(left == 0, left + " entries left in the table 5 s after the last connection")
                    .require(pep.process().isAlive(), "the proxy exited");
            List<String> figures = new ArrayList<>(List.of(counted(result),
                    String.format(Locale.ROOT, "table afterwards: %d entries", left)));
            figures.addAll(SoakContext.failures(result));
            figures.add(SoakContext.proxyAccount(pep));
            return new SoakOutcome(name(), unmet.list(), figures);
        } finally {
            pep.stop();
        }
    }

    private String counted(ShortConnections.Result result) {
        return String.format(Locale.ROOT, "%d of %d completed, %d failed, %d hung (no progress for %d s); "
                        + "%.0f connections/s over %.0f s", result.completed(), connections, result.failed(),
                result.hung(), SoakContext.HANG.toSeconds(), result.perSecond(), result.seconds());
    }
}
