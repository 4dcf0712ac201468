package org.pepsal.testbed.link;

import org.pepsal.testbed.link.NetemCommands.Command;
import org.pepsal.testbed.link.NetemCommands.Layout;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.Link;
import org.pepsal.testbed.topology.Shell;
import org.pepsal.testbed.topology.Topology;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Links emulated by the kernel: tbf and netem in a namespace of the link's own between the two hosts (see
 * {@link NetemCommands}). Available where a live probe shows it works: such a link, built between two throwaway
 * hosts, must delay pings by what it was set to. Adding a netem qdisc alone is not enough of a test.
 */
public final class NetemBackend implements LinkBackend {
    public static final String NAME = "netem";
    /** The probe link's one-way delay: long enough to tell from a host's own noise, short enough to be quick. */
    static final Duration PROBE_DELAY = Duration.ofMillis(25);
    private static final Pattern PING_SUMMARY = Pattern.compile("= ([\\d.]+)/([\\d.]+)/([\\d.]+)/([\\d.]+) ms");
    private static volatile Optional<String> unavailable;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String layout() {
        return "tbf (rate, bottleneck queue) then netem (loss, then delay) in the link's own namespace between the "
                + "hosts, bridged veths, TSO/GSO/GRO off; loss after the rate limiter, as in the userspace emulator";
    }

    @Override
    public Optional<String> unavailableBecause() {
        if (unavailable == null) {
            unavailable = probe();
        }
        return unavailable;
    }

    private Optional<String> probe() {
        if (!Shell.available("ethtool")) {
            return Optional.of("ethtool is not installed (a netem link turns TSO/GSO/GRO off with it)");
        }
        if (!Shell.available("tc")) {
            return Optional.of("tc is not installed");
        }
        try (Topology throwaway = Topology.create()) {
            Host probe = throwaway.host("netem-probe");
            Shell.Result qdisc = probe.tryExec(NetemCommands.probe("lo", 1).toArray(String[]::new));
            if (!qdisc.ok()) {
                return Optional.of("the kernel refuses a netem qdisc (sch_netem missing?): " + qdisc.stderr().strip());
            }
            Host a = throwaway.host("a");
            Host b = throwaway.host("b");
            EmulatedLink link = connect(throwaway, a, b, LinkSpec.symmetric(LinkDirection.of(10_000_000, PROBE_DELAY)));
            Shell.Result ping = a.tryExec("ping", "-n", "-q", "-c", "3", "-i", "0.2", "-w", "10",
                    link.link().b().ipv4());
            Matcher summary = PING_SUMMARY.matcher(ping.stdout());
            if (!summary.find()) {
                return Optional.of("a probe netem link carried no ping: " + ping.stdout().strip() + ping.stderr().strip());
            }
            double minimum = Double.parseDouble(summary.group(1));
            double expected = 2 * PROBE_DELAY.toMillis();
            return minimum >= expected ? Optional.empty()
                    : Optional.of("a probe netem link set to " + expected + " ms RTT measured " + minimum + " ms");
        } catch (RuntimeException e) {
            return Optional.of("cannot probe for netem: " + e.getMessage());
        }
    }

    @Override
    public Optional<String> cannotRealise(LinkSpec spec) {
        for (boolean aToB : new boolean[] {true, false}) {
            List<LinkDirection> all = spec.allSettings(aToB);
            for (LinkDirection direction : all) {
                if (direction.trace() != null) {
                    return Optional.of("netem cannot play delivery traces");
                }
                if (!direction.jitter().isZero() && !direction.reordering()) {
                    return Optional.of("netem reorders packets under jitter; keeping order needs the userspace backend");
                }
                if (direction.mtu() != spec.aToB().mtu()) {
                    return Optional.of("a netem link has one MTU both ways (a veth drops frames above its peer's MTU)");
                }
            }
            if (all.stream().map(LinkDirection::unlimitedRate).distinct().count() > 1) {
                return Optional.of("a schedule cannot switch between an unlimited and a limited rate with tc change");
            }
        }
        return Optional.empty();
    }

    @Override
    public EmulatedLink connect(Topology topology, Host a, Host b, LinkSpec spec) {
        cannotRealise(spec).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        int index = topology.nextLinkIndex();
        Host emulation = topology.host("link" + index);
        Layout layout = Layout.of(index, a.namespace(), a.role(), b.namespace(), b.role());
        Hosts hosts = new Hosts(a, emulation, b);
        hosts.run(NetemCommands.setup(layout, spec));
        Link link = new Link(index, a, b, layout.aDevice(), layout.bDevice());
        link.configureEnds();
        topology.adopt(link);
        ScheduledExecutorService steps = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "netem-schedule-" + index);
            thread.setDaemon(true);
            return thread;
        });
        topology.onClose(steps::shutdownNow);
        return new NetemLink(link, spec, layout, hosts, steps);
    }

    /** The three namespaces a netem link's commands run in. */
    record Hosts(Host a, Host link, Host b) {
        void run(List<Command> commands) {
            for (Command command : commands) {
                Host host = switch (command.where()) {
                    case A -> a;
                    case LINK -> link;
                    case B -> b;
                };
                host.exec(command.argv().toArray(String[]::new));
            }
        }
    }

    /** A netem link; its schedule runs on a timer that issues {@code tc qdisc change}. */
    public record NetemLink(Link link, LinkSpec spec, Layout layout, Hosts hosts, ScheduledExecutorService steps)
            implements EmulatedLink {
        @Override
        public String backend() {
            return NAME;
        }

        /** The namespace the emulation runs in. */
        public Host emulation() {
            return hosts.link();
        }

        @Override
        public long startSchedule() {
            long start = System.nanoTime();
            for (Schedule.Step step : spec.schedule().steps()) {
                Duration rtt = step.aToB().delay().plus(step.bToA().delay());
                steps.schedule(() -> {
                    hosts.run(NetemCommands.change(layout, step.aToB(), true, LinkSpec.queueLimitBytes(step.aToB(), rtt)));
                    hosts.run(NetemCommands.change(layout, step.bToA(), false, LinkSpec.queueLimitBytes(step.bToA(), rtt)));
                }, start + step.at().toNanos() - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
            return start;
        }

        @Override
        public Optional<LinkStats> stats() {
            return Optional.empty();
        }
    }
}
