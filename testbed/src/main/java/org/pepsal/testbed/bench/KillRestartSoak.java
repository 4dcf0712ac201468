package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.PepProcess;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The proxy killed with SIGKILL in the middle of transfers, then started again on the same rules: how the
 * transfers it carried ended (their client sees a reset or an early end; none may hang), and whether every
 * connection after the restart works — short connections and downloads.
 */
record KillRestartSoak(int transfers, long laterConnections, int laterDownloads, long downloadBytes)
        implements SoakCheck {
    @Override
    public String name() {
        return "kill -9 and restart";
    }

    @Override
    public String criterion() {
        return "none of the " + transfers + " transfers under way at the kill hangs (a reset or an early end is "
                + "what a killed relay gives), and after the restart all " + laterConnections + " short connections and "
                + laterDownloads + " downloads complete, none fail or hang";
    }

    @Override
    public SoakOutcome run(SoakContext context) throws Exception {
        PepProcess pep = context.proxy("kill", List.of());
        PepProcess restarted = null;
        try (Transfers inFlight = Transfers.underWay(context, transfers)) {
            pep.process().process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Transfers.Ends ends = inFlight.drained();
            restarted = context.proxy("kill-restarted", List.of());
            ShortConnections.Result later = context.shortConnections("kill-restarted", 16, laterConnections);
            int downloaded = Transfers.downloads(context, laterDownloads, downloadBytes);
            int hung = ends.hung();
            var unmet = SoakContext.allCompleted(later, laterConnections)
                    .require(hung == 0, hung + " transfers hung after the kill")
                    .require(downloaded == laterDownloads, (laterDownloads - downloaded)
                            + " downloads after the restart did not complete");
            List<String> figures = new ArrayList<>(List.of(
                    String.format(Locale.ROOT, "%d transfers under way at the kill: %d reset, %d ended early, %d hung",
                            transfers, ends.reset(), ends.ended(), hung),
                    String.format(Locale.ROOT, "after the restart: %d of %d short connections completed, %d failed, "
                            + "%d hung; %d of %d downloads of %d bytes completed", later.completed(),
                            laterConnections, later.failed(), later.hung(), downloaded, laterDownloads,
                            downloadBytes)));
            figures.addAll(SoakContext.failures(later));
            figures.add(SoakContext.proxyAccount(restarted));
            return new SoakOutcome(name(), unmet.list(), figures);
        } finally {
            pep.stop();
            if (restarted != null) {
                restarted.stop();
            }
        }
    }
}
