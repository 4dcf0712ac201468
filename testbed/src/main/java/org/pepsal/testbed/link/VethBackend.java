package org.pepsal.testbed.link;

import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.Link;
import org.pepsal.testbed.topology.Shell;
import org.pepsal.testbed.topology.Topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A hop that needs no emulation: a plain veth pair between the hosts, each direction limited to its rate by the
 * kernel's tbf on its sender's end ({@link KernelShaping}), or not at all when its rate is unlimited. Nothing runs
 * in userspace, so such a hop takes no CPU from the emulators, the proxy and the traffic tools. It gives a rate and
 * a queue only: a link asking for delay, jitter, loss, a trace or a schedule needs an emulating backend
 * ({@link #cannotRealise}). The shaper sits on a host's own egress, so where the hop's rate is what limits a TCP
 * sender, that sender sees its own qdisc push back instead of a drop on a wire; the hop it is meant for (the
 * terrestrial one, far faster than the satellite link) never limits.
 */
public final class VethBackend implements LinkBackend {
    public static final String NAME = "veth";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String layout() {
        return "a plain veth pair; tbf (rate, queue as its byte limit) on each sending end where a rate is set";
    }

    @Override
    public Optional<String> unavailableBecause() {
        return Shell.available("tc") ? Optional.empty() : Optional.of("tc is not installed");
    }

    @Override
    public Optional<String> cannotRealise(LinkSpec spec) {
        if (!spec.schedule().steps().isEmpty()) {
            return Optional.of("it has a schedule");
        }
        List<String> asked = new ArrayList<>();
        for (LinkDirection direction : List.of(spec.aToB(), spec.bToA())) {
            if (!direction.delay().isZero()) {
                asked.add("a delay of " + direction.delay().toNanos() / 1e6 + " ms");
            }
            if (!direction.jitter().isZero()) {
                asked.add("jitter");
            }
            if (direction.loss().meanLoss() > 0) {
                asked.add("loss");
            }
            if (direction.trace() != null) {
                asked.add("a delivery trace");
            }
        }
        if (spec.aToB().mtu() != spec.bToA().mtu()) {
            asked.add("an MTU per direction");
        }
        return asked.isEmpty() ? Optional.empty()
                : Optional.of("it asks for " + String.join(", ", asked.stream().distinct().toList())
                        + ", which a plain veth does not give");
    }

    /** The shaping commands of each end: a→b on a's device, b→a on b's. */
    static List<List<String>> shaping(String device, LinkSpec spec, boolean aToB) {
        LinkDirection direction = aToB ? spec.aToB() : spec.bToA();
        return direction.unlimitedRate() ? List.of()
                : List.of(KernelShaping.tbf("add", device, direction, spec.queueLimitBytes(direction)));
    }

    @Override
    public EmulatedLink connect(Topology topology, Host a, Host b, LinkSpec spec) {
        cannotRealise(spec).ifPresent(reason -> {
            throw new IllegalArgumentException("a plain veth cannot realise this link: " + reason);
        });
        Link link = topology.veth(a, b);
        String mtu = Integer.toString(spec.aToB().mtu());
        a.exec("ip", "link", "set", "dev", link.aDevice(), "mtu", mtu);
        b.exec("ip", "link", "set", "dev", link.bDevice(), "mtu", mtu);
        shaping(link.aDevice(), spec, true).forEach(command -> a.exec(command.toArray(String[]::new)));
        shaping(link.bDevice(), spec, false).forEach(command -> b.exec(command.toArray(String[]::new)));
        return new VethLink(link, spec);
    }

    /** A veth hop: no schedule to start, no counters of its own. */
    public record VethLink(Link link, LinkSpec spec) implements EmulatedLink {
        @Override
        public String backend() {
            return NAME;
        }

        @Override
        public long startSchedule() {
            return System.nanoTime();
        }

        @Override
        public Optional<LinkStats> stats() {
            return Optional.empty();
        }
    }
}
