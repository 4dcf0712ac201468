package org.pepsal.testbed.link;

import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.Link;
import org.pepsal.testbed.topology.Topology;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Links emulated by the kernel: a veth pair with netem and tbf on each end's egress (see {@link NetemCommands}).
 * Used where the kernel has sch_netem, which is detected by adding a netem qdisc to the loopback device of a
 * throwaway namespace.
 */
public final class NetemBackend implements LinkBackend {
    public static final String NAME = "netem";
    private static volatile Optional<String> unavailable;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> unavailableBecause() {
        if (unavailable == null) {
            unavailable = probe();
        }
        return unavailable;
    }

    private static Optional<String> probe() {
        try (Topology throwaway = Topology.create()) {
            Host probe = throwaway.host("netem-probe");
            var result = probe.tryExec(NetemCommands.probe("lo").toArray(String[]::new));
            return result.ok() ? Optional.empty()
                    : Optional.of("the kernel refuses a netem qdisc (sch_netem missing?): " + result.stderr().strip());
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
        Link link = topology.veth(a, b);
        apply(NetemCommands.setup(link.aDevice(), spec.aToB(), spec.queueLimitBytes(spec.aToB())), a);
        apply(NetemCommands.setup(link.bDevice(), spec.bToA(), spec.queueLimitBytes(spec.bToA())), b);
        ScheduledExecutorService steps = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "netem-schedule-" + link.aDevice());
            thread.setDaemon(true);
            return thread;
        });
        topology.onClose(steps::shutdownNow);
        return new NetemLink(link, spec, steps);
    }

    private static void apply(List<List<String>> commands, Host host) {
        commands.forEach(command -> host.exec(command.toArray(String[]::new)));
    }

    /** A veth link shaped by netem; its schedule runs on a timer that issues {@code tc qdisc change}. */
    public record NetemLink(Link link, LinkSpec spec, ScheduledExecutorService steps) implements EmulatedLink {
        @Override
        public String backend() {
            return NAME;
        }

        @Override
        public long startSchedule() {
            long start = System.nanoTime();
            for (Schedule.Step step : spec.schedule().steps()) {
                long rttBase = step.aToB().delay().plus(step.bToA().delay()).toNanos();
                java.time.Duration rtt = java.time.Duration.ofNanos(rttBase);
                steps.schedule(() -> {
                    apply(NetemCommands.change(link.aDevice(), step.aToB(), LinkSpec.queueLimitBytes(step.aToB(), rtt)),
                            link.a().host());
                    apply(NetemCommands.change(link.bDevice(), step.bToA(), LinkSpec.queueLimitBytes(step.bToA(), rtt)),
                            link.b().host());
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
