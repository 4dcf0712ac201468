package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.PepProcess;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Many connections held open and idle at once through one proxy, all from one client: the proxy's RSS (after a
 * full GC) and direct memory with them, and whether each one still carries a request and its answer afterwards.
 * The proxy needs two descriptors per connection: RLIMIT_NOFILE bounds how many one machine can hold.
 */
record IdleSoak(int connections) implements SoakCheck {
    @Override
    public String name() {
        return "concurrent idle connections";
    }

    @Override
    public String criterion() {
        return "all " + connections + " open at once and each still answers a request afterwards, and the proxy's "
                + "direct memory stays within its --relay-memory (the documented bound)";
    }

    @Override
    public SoakOutcome run(SoakContext context) {
        PepProcess pep;
        try {
            pep = context.proxy("idle", List.of("--conns", Integer.toString(connections + 16),
                    "--conns-per-source", "0"));
        } catch (IllegalStateException e) {
            // Most likely the descriptor check: the proxy says which limit and how many would fit.
            String why = e.getMessage().lines().filter(l -> l.contains("--conns")).findFirst().orElse(e.getMessage());
            return new SoakOutcome(name(), List.of("the proxy did not start for " + connections
                    + " connections (lower --idle-connections or raise RLIMIT_NOFILE): " + why.strip()), List.of());
        }
        InetSocketAddress target = new InetSocketAddress(context.server(), context.cpsPort());
        List<SocketChannel> idle = new ArrayList<>();
        try {
            idle.add(context.net().client().call(() -> SocketChannel.open(target))); // classes a connection needs
            Pause.millis(1000);
            ProcessMemory.gc(pep.pid());
            long rssBefore = ProcessMemory.rssKib(pep.pid());
            double directBefore = direct(pep);
            String opening = "";
            try {
                while (idle.size() < connections) {
                    idle.add(context.net().client().call(() -> SocketChannel.open(target)));
                }
            } catch (RuntimeException e) {
                opening = "; opening number " + (idle.size() + 1) + " failed: " + e.getMessage();
            }
            Pause.millis(2000);
            ProcessMemory.gc(pep.pid());
            long rssAfter = ProcessMemory.rssKib(pep.pid());
            double directAfter = direct(pep);
            int answered = 0;
            for (SocketChannel channel : idle) {
                answered += answers(channel) ? 1 : 0;
            }
            double bound = SoakContext.metric(pep, "pepsal_relay_memory_limit_bytes", "");
            var unmet = new SoakOutcome.Unmet()
                    .require(idle.size() == connections, "only " + idle.size() + " opened" + opening)
                    .require(answered == idle.size(), (idle.size() - answered) + " of the open ones did not answer")
                    .require(directAfter <= bound, String.format(Locale.ROOT, "direct memory %.1f MiB is over "
                            + "--relay-memory's %.1f MiB", directAfter / (1 << 20), bound / (1 << 20)))
                    .require(pep.process().isAlive(), "the proxy exited");
            return new SoakOutcome(name(), unmet.list(), List.of(
                    String.format(Locale.ROOT, "%d of %d opened%s; %d answered a request afterwards", idle.size(),
                            connections, opening, answered),
                    String.format(Locale.ROOT, "proxy RSS %d KiB -> %d KiB (%.2f KiB per connection)", rssBefore,
                            rssAfter, (rssAfter - rssBefore) / (double) Math.max(1, idle.size() - 1)),
                    String.format(Locale.ROOT, "proxy direct memory %.1f MiB -> %.1f MiB (bound: --relay-memory "
                            + "%.0f MiB)", directBefore / (1 << 20), directAfter / (1 << 20), bound / (1 << 20))));
        } finally {
            SoakContext.closeAll(idle);
            pep.stop();
        }
    }

    /** The JVM's direct buffers (Netty's, which it allocates through the JDK's pool here). */
    private static double direct(PepProcess pep) {
        return SoakContext.metric(pep, "jvm_buffer_memory_used_bytes", "id=\"direct\"");
    }

    /** Whether a 4-byte request through the held connection gets its 4-byte echo within the hang timeout. */
    private static boolean answers(SocketChannel channel) {
        try {
            channel.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            channel.socket().setSoTimeout((int) SoakContext.HANG.toMillis());
            InputStream in = channel.socket().getInputStream();
            return in.readNBytes(4).length == 4;
        } catch (IOException e) {
            return false;
        }
    }
}
