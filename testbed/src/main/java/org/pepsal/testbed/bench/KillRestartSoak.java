package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.PepProcess;
import org.pepsal.testbed.traffic.FlowClient;
import org.pepsal.testbed.traffic.FlowResult;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
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
    /** Bytes each transfer must have received before the kill: it is under way. */
    private static final int UNDER_WAY = 1 << 20;

    @Override
    public String name() {
        return "kill -9 and restart";
    }

    @Override
    public SoakOutcome run(SoakContext context) throws Exception {
        PepProcess pep = context.proxy("kill", List.of());
        List<SocketChannel> inFlight = new ArrayList<>();
        PepProcess restarted = null;
        try {
            InetSocketAddress flows = new InetSocketAddress(context.server(), context.flowPort());
            for (int i = 0; i < transfers; i++) {
                SocketChannel channel = context.net().client().call(() -> SocketChannel.open(flows));
                inFlight.add(channel);
                channel.write(ByteBuffer.allocate(Long.BYTES).putLong(0, Long.MAX_VALUE));
                channel.socket().setSoTimeout((int) SoakContext.HANG.toMillis());
            }
            for (SocketChannel channel : inFlight) {
                if (channel.socket().getInputStream().readNBytes(UNDER_WAY).length < UNDER_WAY) {
                    return new SoakOutcome(name(), false, List.of("a transfer ended before the kill"));
                }
            }
            pep.process().process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            int reset = 0;
            int ended = 0;
            int hung = 0;
            for (SocketChannel channel : inFlight) {
                switch (drain(channel.socket().getInputStream())) {
                    case RESET -> reset++;
                    case ENDED -> ended++;
                    case HUNG -> hung++;
                }
            }
            restarted = context.proxy("kill-restarted", List.of());
            ShortConnections.Result later = context.shortConnections("kill-restarted", 16, laterConnections);
            int downloaded = 0;
            try (FlowClient client = new FlowClient(context.net().client())) {
                for (int i = 0; i < laterDownloads; i++) {
                    FlowResult result = client.download(context.server(), context.flowPort(), downloadBytes,
                            Duration.ofSeconds(60));
                    downloaded += result.completed() ? 1 : 0;
                }
            }
            boolean passed = hung == 0 && later.completed() == laterConnections && later.failed() == 0
                    && later.hung() == 0 && downloaded == laterDownloads;
            return new SoakOutcome(name(), passed, List.of(
                    String.format(Locale.ROOT, "%d transfers under way at the kill: %d reset, %d ended early, %d hung",
                            transfers, reset, ended, hung),
                    String.format(Locale.ROOT, "after the restart: %d of %d short connections completed, %d failed, "
                            + "%d hung; %d of %d downloads of %d bytes completed", later.completed(),
                            laterConnections, later.failed(), later.hung(), downloaded, laterDownloads,
                            downloadBytes)));
        } finally {
            SoakContext.closeAll(inFlight);
            pep.stop();
            if (restarted != null) {
                restarted.stop();
            }
        }
    }

    private enum End { RESET, ENDED, HUNG }

    /** Reads what is left until the stream ends; a read that waits past the hang timeout counts as hung. */
    private static End drain(InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        try {
            while (in.read(buffer) >= 0) {
                // what the kernel still held arrives first
            }
            return End.ENDED;
        } catch (SocketTimeoutException e) {
            return End.HUNG;
        } catch (IOException e) {
            return End.RESET;
        }
    }
}
