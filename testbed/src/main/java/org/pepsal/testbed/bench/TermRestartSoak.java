package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.PepProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A restart as the systemd unit makes it, under load: the rules installed by {@code pepsal rules install} (so the
 * proxy knows them), short connections 16 at a time without pause and endless transfers through the proxy; then
 * SIGTERM. The proxy takes its divert rule out and drains: the transfers it holds keep flowing until their clients
 * close them, while new connections are routed to the server unsplit. Then {@code rules remove} and {@code rules
 * install} (ExecStopPost, ExecStartPre) and a new proxy, which must split connections again. No short connection
 * may fail or hang at any point of it.
 */
record TermRestartSoak(int transfers, Duration drainTimeout) implements SoakCheck {
    /** How long the load runs through each proxy before the SIGTERM, during the drain and after the restart. */
    private static final Duration STEADY = Duration.ofSeconds(2);
    private static final String ACCEPTED = "pepsal_connections_accepted_total";

    @Override
    public String name() {
        return "SIGTERM restart under load";
    }

    @Override
    public String criterion() {
        return "no short connection fails or hangs from before the SIGTERM until after the new proxy runs, the "
                + transfers + " transfers under way keep receiving while the old proxy drains, it takes its divert "
                + "rule out and exits 0 once they closed, connections reach the server unsplit meanwhile, and the "
                + "new proxy splits connections again";
    }

    @Override
    public SoakOutcome run(SoakContext context) throws Exception {
        Host gateway = context.net().gateway();
        Host server = context.net().server();
        Path stateDir = context.work().resolve("term").resolve("state");
        String device = context.net().gatewayClientDevice();
        List<String> args = List.of("--state-dir", stateDir.toString(), "--drain-timeout",
                Long.toString(drainTimeout.toSeconds()));
        context.undivert();
        PepProcess old = null;
        PepProcess next = null;
        ShortConnections.Background load = null;
        try {
            PepProcess.rules(gateway, stateDir, "install", "--iface", device, "--no-ip-forward");
            old = context.proxy("term", args);
            SoakOutcome.Unmet unmet = new SoakOutcome.Unmet();
            List<String> figures = new ArrayList<>();
            load = context.load().start(context.net().client(), context.server(), context.cpsPort(), 16, 0,
                    SoakContext.HANG, context.work().resolve("term").resolve("cps-client.log"));
            try (Transfers inFlight = Transfers.underWay(context, transfers)) {
                Pause.millis(STEADY.toMillis());
                double splitBefore = SoakContext.metric(old, ACCEPTED, "");
                long serverOpens = NetCounters.value(server, "TcpPassiveOpens");
                old.process().process().destroy(); // SIGTERM, as systemd sends it
                long stopped = System.nanoTime();
                Pause.millis(STEADY.toMillis());
                int receiving = inFlight.receiving();
                // Connections the server saw while the old proxy drained, less the server legs that proxy opened
                // (handshakes under way at the SIGTERM): the rest were routed past it.
                long unsplit = NetCounters.value(server, "TcpPassiveOpens") - serverOpens
                        - (long) (SoakContext.metric(old, ACCEPTED, "") - splitBefore);
                inFlight.close();
                long limit = drainTimeout.toSeconds() + 10;
                boolean exited = old.process().process().waitFor(limit, TimeUnit.SECONDS);
                double exitSeconds = (System.nanoTime() - stopped) / 1e9;
                int exit = exited ? old.process().process().exitValue() : -1;
                unmet.require(old.log().contains("stopped diverting new connections"),
                                "the old proxy did not take its divert rule out (its log does not say so)")
                        .require(receiving == transfers, (transfers - receiving) + " of the " + transfers
                                + " transfers stopped receiving while the old proxy drained")
                        .require(exited && exit == 0, exited ? "the old proxy exited with " + exit
                                : "the old proxy had not exited " + limit + " s after the SIGTERM")
                        .require(unsplit > 0, "no connection was routed past the draining proxy to the server");
                figures.add(String.format(Locale.ROOT, "old proxy: %.0f connections split before the SIGTERM; "
                                + "while it drained, %d connections reached the server unsplit and %d of %d transfers "
                                + "kept receiving; it exited %s %.1f s after the SIGTERM (its transfers closed at "
                                + "%.1f s)", splitBefore, unsplit, receiving, transfers, exited ? "with " + exit
                                : "not", exitSeconds, STEADY.toMillis() / 1000.0));
                PepProcess.rules(gateway, stateDir, "remove");
                PepProcess.rules(gateway, stateDir, "install", "--iface", device, "--no-ip-forward");
                next = context.proxy("term-restarted", args);
                Pause.millis(STEADY.toMillis());
                double splitAfter = SoakContext.metric(next, ACCEPTED, "");
                unmet.require(splitAfter > 0, "the new proxy split no connection");
                figures.add(String.format(Locale.ROOT, "new proxy: %.0f connections split in its first %d s",
                        splitAfter, STEADY.toSeconds()));
                figures.add(SoakContext.proxyAccount(next));
            }
            ShortConnections.Result result = load.stop();
            figures.add(0, String.format(Locale.ROOT, "short connections across the restart: %d completed, %d "
                    + "failed, %d hung (16 at a time, %.0f connections/s)", result.completed(), result.failed(),
                    result.hung(), result.perSecond()));
            figures.addAll(1, SoakContext.failures(result));
            List<String> reasons = new ArrayList<>(SoakContext.noneFailed(result).list());
            reasons.addAll(unmet.list());
            return new SoakOutcome(name(), reasons, figures);
        } finally {
            if (load != null) {
                load.process().stop();
            }
            if (old != null) {
                old.stop();
            }
            if (next != null) {
                next.stop();
            }
            try {
                PepProcess.rules(gateway, stateDir, "remove");
            } catch (RuntimeException e) {
                // nothing was installed (install failed), or it is removed already
            }
            context.divert();
        }
    }
}
