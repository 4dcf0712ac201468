package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.PepProcess;
import org.pepsal.testbed.traffic.FlowClient;
import org.pepsal.testbed.traffic.FlowResult;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One client asks for an endless download and never reads it, while {@code downloads} others each fetch
 * {@code bytes} at the same time through the same proxy: every one of them must complete (the stalled connection
 * holds its own buffers and nothing else).
 */
record SlowReaderSoak(int downloads, long bytes) implements SoakCheck {
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Override
    public String name() {
        return "a client that never reads";
    }

    @Override
    public String criterion() {
        return "all " + downloads + " other downloads complete within " + TIMEOUT.toSeconds()
                + " s each while it stalls, and the proxy still runs";
    }

    @Override
    public SoakOutcome run(SoakContext context) throws Exception {
        PepProcess pep = context.proxy("slow-reader", List.of());
        ExecutorService threads = Executors.newFixedThreadPool(downloads);
        try (FlowClient flows = new FlowClient(context.net().client());
             SocketChannel stalled = context.net().client().call(() ->
                     SocketChannel.open(new InetSocketAddress(context.server(), context.flowPort())))) {
            stalled.write(ByteBuffer.allocate(Long.BYTES).putLong(0, Long.MAX_VALUE)); // and never reads
            Pause.millis(1000); // its buffers along the way fill
            List<Future<FlowResult>> running = new ArrayList<>();
            for (int i = 0; i < downloads; i++) {
                running.add(threads.submit(() -> flows.download(context.server(), context.flowPort(), bytes,
                        TIMEOUT)));
            }
            List<Double> seconds = new ArrayList<>();
            int completed = 0;
            for (Future<FlowResult> flow : running) {
                FlowResult result = flow.get();
                if (result.completed()) {
                    completed++;
                    seconds.add(result.elapsed().toNanos() / 1e9);
                }
            }
            seconds.sort(null);
            ProcessMemory.gc(pep.pid());
            var unmet = new SoakOutcome.Unmet()
                    .require(completed == downloads, (downloads - completed) + " downloads did not complete")
                    .require(pep.process().isAlive(), "the proxy exited");
            return new SoakOutcome(name(), unmet.list(), List.of(
                    String.format(Locale.ROOT, "%d of %d downloads of %d bytes completed alongside it%s", completed,
                            downloads, bytes, seconds.isEmpty() ? "" : String.format(Locale.ROOT,
                                    " (completion time median %.2f s, longest %.2f s)",
                                    seconds.get(seconds.size() / 2), seconds.get(seconds.size() - 1))),
                    String.format(Locale.ROOT, "proxy RSS meanwhile %d KiB", ProcessMemory.rssKib(pep.pid()))));
        } catch (IOException e) {
            return new SoakOutcome(name(), List.of("the stalled connection failed: " + e.getMessage()), List.of());
        } finally {
            threads.shutdownNow();
            pep.stop();
        }
    }
}
