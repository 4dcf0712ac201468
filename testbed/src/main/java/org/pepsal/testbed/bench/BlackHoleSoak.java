package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.PepProcess;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One client host floods an address that never answers (the server drops its SYNs) while another host makes
 * short connections: the other host's must all work, and the flooding host holds no more than its per-source
 * limit of table entries. The two hosts are two addresses of the client namespace, as the proxy tells hosts
 * apart by address. The proxy runs with its defaults (per-source limit, connect timeout).
 */
record BlackHoleSoak(int flood, long witnessConnections) implements SoakCheck {
    static final int SILENT_PORT = 7302;

    @Override
    public String name() {
        return "black-holed destination flood";
    }

    @Override
    public String criterion() {
        return "all " + witnessConnections + " short connections of the other host complete, none fail or hang, "
                + "the flooding host holds no more table entries than its per-source limit, and the proxy still runs";
    }

    @Override
    public SoakOutcome run(SoakContext context) {
        Host client = context.net().client();
        Host server = context.net().server();
        String device = context.net().clientEnd().device();
        String floodingHost = context.net().clientEnd().ipv4().replaceFirst("\\.\\d+$", ".77");
        String drop = Integer.toString(SILENT_PORT);
        client.exec("ip", "addr", "add", floodingHost + "/24", "dev", device);
        server.exec("iptables", "-A", "INPUT", "-p", "tcp", "--dport", drop, "-j", "DROP");
        List<SocketChannel> flooding = new ArrayList<>();
        PepProcess pep = null;
        try {
            pep = context.proxy("black-hole", List.of());
            InetSocketAddress silent = new InetSocketAddress(context.server(), SILENT_PORT);
            InetSocketAddress from = new InetSocketAddress(floodingHost, 0);
            int refusedToOpen = 0;
            for (int i = 0; i < flood; i++) {
                try {
                    flooding.add(client.call(() -> {
                        SocketChannel channel = SocketChannel.open();
                        channel.bind(from);
                        channel.connect(silent);
                        return channel;
                    }));
                } catch (RuntimeException e) {
                    refusedToOpen++;
                }
            }
            Pause.millis(500); // the proxy has accepted what the kernel's queue held
            double limit = SoakContext.metric(pep, "pepsal_connections_per_source_limit", "");
            double overLimit = SoakContext.metric(pep, "pepsal_connections_over_source_limit_total", "");
            double pending = SoakContext.metric(pep, "pepsal_connections_active", "state=\"pending\"");
            ShortConnections.Result witness = context.shortConnections("black-hole", 16, witnessConnections);
            var unmet = SoakContext.allCompleted(witness, witnessConnections)
                    .require(pending <= limit, String.format(Locale.ROOT, "the flooding host holds %.0f entries, "
                            + "over its limit of %.0f", pending, limit))
                    .require(pep.process().isAlive(), "the proxy exited");
            List<String> figures = new ArrayList<>(List.of(
                    String.format(Locale.ROOT, "flooding host: %d connections opened (%d not), %.0f reset over its "
                            + "limit of %.0f, %.0f waiting for the black hole", flooding.size(), refusedToOpen,
                            overLimit, limit, pending),
                    String.format(Locale.ROOT, "other host meanwhile: %d of %d completed, %d failed, %d hung "
                            + "(16 at a time, %.0f connections/s)", witness.completed(), witnessConnections,
                            witness.failed(), witness.hung(), witness.perSecond())));
            figures.addAll(SoakContext.failures(witness));
            figures.add(SoakContext.proxyAccount(pep));
            return new SoakOutcome(name(), unmet.list(), figures);
        } finally {
            SoakContext.closeAll(flooding);
            if (pep != null) {
                pep.stop();
            }
            server.exec("iptables", "-D", "INPUT", "-p", "tcp", "--dport", drop, "-j", "DROP");
            client.exec("ip", "addr", "del", floodingHost + "/24", "dev", device);
        }
    }
}
