package org.pepsal.testbed.link;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one place that writes the commands of a netem link. The emulation lives in a namespace of its own between
 * the two hosts, never on a TCP endpoint's own egress: there netem would turn a wire loss into a local drop that
 * the sender's TCP sees at once (it enters CWR instead of recovering over the round trip), so a PEP's socket and
 * a plain sender would not see the same link.
 *
 * <pre>
 * host a: va ── ea ─┐                    ┌─ eb ── vb :host b
 *                 bridge a ── qa ═ qb ── bridge b           (the link's namespace)
 * </pre>
 * Each direction passes two egress qdiscs in the link's namespace, in the userspace emulator's order: first a
 * tbf on the inner veth (the rate, with the bottleneck queue as its byte limit: tail drop), then a netem on the
 * far host's side (loss, then delay and jitter). So a packet lost on the "wire" has used the bottleneck's time,
 * and the netem queue is only the delay line. a→b is shaped on {@code qa} and delayed on {@code eb}; b→a on
 * {@code qb} and {@code ea}. TSO, GSO and GRO are off on every device of the path, the hosts' ends included:
 * otherwise a 64 KB super-packet is one packet to netem, and "1 % loss" drops bursts of up to 44 segments.
 * Schedule steps use {@code tc qdisc change} on the same qdiscs, never delete-and-recreate, so queued packets
 * survive a step.
 */
public final class NetemCommands {
    static final String ROOT_HANDLE = KernelShaping.ROOT_HANDLE;
    /** The smallest frame on the delay line (Ethernet, IPv4 and UDP headers with a little payload). */
    static final int SMALLEST_FRAME_BYTES = 64;
    static final int MINIMUM_NETEM_LIMIT = 1000;

    private NetemCommands() {
    }

    /** Where a command runs: in end a's host, in the link's own namespace, or in end b's host. */
    public enum Where { A, LINK, B }

    public record Command(Where where, List<String> argv) {
        static Command of(Where where, String... argv) {
            return new Command(where, List.of(argv));
        }
    }

    /**
     * The devices of link {@code index}: {@code aDevice} and {@code bDevice} in the hosts (named like
     * {@link org.pepsal.testbed.topology.Topology#veth} names them), the rest in the link's namespace.
     */
    public record Layout(int index, String aNamespace, String aDevice, String bNamespace, String bDevice) {
        public static Layout of(int index, String aNamespace, String aRole, String bNamespace, String bRole) {
            return new Layout(index, aNamespace, "v" + index + aRole, bNamespace, "v" + index + bRole);
        }

        /** The link namespace's end of the veth to host a; b→a is delayed on its egress. */
        public String linkA() {
            return "e" + index + "a";
        }

        public String linkB() {
            return "e" + index + "b";
        }

        /** The inner veth's end on a's side; a→b is shaped on its egress. */
        public String queueA() {
            return "q" + index + "a";
        }

        public String queueB() {
            return "q" + index + "b";
        }

        public String bridgeA() {
            return "br" + index + "a";
        }

        public String bridgeB() {
            return "br" + index + "b";
        }

        /** The device that shapes a direction (tbf). */
        public String rateDevice(boolean aToB) {
            return aToB ? queueA() : queueB();
        }

        /** The device that loses and delays a direction (netem). */
        public String delayDevice(boolean aToB) {
            return aToB ? linkB() : linkA();
        }
    }

    /**
     * Everything that builds the link, in order; the hosts' ends are then addressed and brought up. One MTU for
     * both directions (a veth delivers no frame larger than its receiving end's MTU): the backend refuses others.
     */
    public static List<Command> setup(Layout layout, LinkSpec spec) {
        List<Command> commands = new ArrayList<>();
        // Bridged IPv6 passes; the link's own devices send nothing (no router solicitations, no MLD) onto the link.
        commands.add(Command.of(Where.LINK, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"));
        commands.add(Command.of(Where.LINK, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1"));
        commands.add(Command.of(Where.LINK, "ip", "link", "add", layout.linkA(), "type", "veth",
                "peer", "name", layout.aDevice(), "netns", layout.aNamespace()));
        commands.add(Command.of(Where.LINK, "ip", "link", "add", layout.linkB(), "type", "veth",
                "peer", "name", layout.bDevice(), "netns", layout.bNamespace()));
        commands.add(Command.of(Where.LINK, "ip", "link", "add", layout.queueA(), "type", "veth",
                "peer", "name", layout.queueB()));
        String mtu = Integer.toString(spec.aToB().mtu());
        for (String bridge : List.of(layout.bridgeA(), layout.bridgeB())) {
            commands.add(Command.of(Where.LINK, "ip", "link", "add", bridge, "type", "bridge", "stp_state", "0"));
        }
        commands.add(Command.of(Where.LINK, "ip", "link", "set", layout.linkA(), "master", layout.bridgeA()));
        commands.add(Command.of(Where.LINK, "ip", "link", "set", layout.queueA(), "master", layout.bridgeA()));
        commands.add(Command.of(Where.LINK, "ip", "link", "set", layout.linkB(), "master", layout.bridgeB()));
        commands.add(Command.of(Where.LINK, "ip", "link", "set", layout.queueB(), "master", layout.bridgeB()));
        for (String device : List.of(layout.linkA(), layout.queueA(), layout.queueB(), layout.linkB())) {
            commands.add(Command.of(Where.LINK, "ip", "link", "set", "dev", device, "mtu", mtu));
            commands.add(offloadsOff(Where.LINK, device));
        }
        commands.add(Command.of(Where.A, "ip", "link", "set", "dev", layout.aDevice(), "mtu", mtu));
        commands.add(offloadsOff(Where.A, layout.aDevice()));
        commands.add(Command.of(Where.B, "ip", "link", "set", "dev", layout.bDevice(), "mtu", mtu));
        commands.add(offloadsOff(Where.B, layout.bDevice()));
        commands.addAll(shape("add", layout, spec.aToB(), true, spec.queueLimitBytes(spec.aToB())));
        commands.addAll(shape("add", layout, spec.bToA(), false, spec.queueLimitBytes(spec.bToA())));
        for (String device : List.of(layout.bridgeA(), layout.bridgeB(), layout.linkA(), layout.queueA(),
                layout.queueB(), layout.linkB())) {
            commands.add(Command.of(Where.LINK, "ip", "link", "set", "dev", device, "up"));
        }
        return commands;
    }

    /** The commands that move one direction set up by {@link #setup} to new settings in place. */
    public static List<Command> change(Layout layout, LinkDirection direction, boolean aToB, long queueLimitBytes) {
        return shape("change", layout, direction, aToB, queueLimitBytes);
    }

    /** The commands of the live probe: a netem qdisc on a throwaway device, whose delay the probe then measures. */
    public static List<String> probe(String device, long delayMillis) {
        return List.of("tc", "qdisc", "add", "dev", device, "root", "netem", "delay", delayMillis + "ms");
    }

    static Command offloadsOff(Where where, String device) {
        return Command.of(where, "ethtool", "-K", device, "tso", "off", "gso", "off", "gro", "off");
    }

    private static List<Command> shape(String verb, Layout layout, LinkDirection direction, boolean aToB,
                                       long queueLimitBytes) {
        List<Command> commands = new ArrayList<>();
        if (!direction.unlimitedRate()) {
            commands.add(new Command(Where.LINK, KernelShaping.tbf(verb, layout.rateDevice(aToB), direction,
                    queueLimitBytes)));
        }
        List<String> netem = new ArrayList<>(List.of("tc", "qdisc", verb, "dev", layout.delayDevice(aToB), "root",
                "handle", ROOT_HANDLE, "netem", "limit", Long.toString(netemLimitPackets(direction)),
                "delay", micros(direction.delay().toNanos())));
        if (!direction.jitter().isZero()) {
            netem.add(micros(direction.jitter().toNanos()));
        }
        netem.addAll(lossArguments(direction.loss()));
        commands.add(new Command(Where.LINK, netem));
        return commands;
    }

    /**
     * The delay line's packets: everything the rate lets through during the longest delay, counted in the
     * smallest frames (netem's limit counts packets of any size), never below netem's default of 1000. Past the
     * tbf nothing queues here, so this limit never drops; the bottleneck queue is the tbf's.
     */
    static long netemLimitPackets(LinkDirection direction) {
        if (direction.unlimitedRate()) {
            return 1_000_000;
        }
        double inFlightBytes = direction.rateBitsPerSecond() / 8.0
                * direction.delay().plus(direction.jitter()).toNanos() / 1e9;
        return Math.max(MINIMUM_NETEM_LIMIT, (long) Math.ceil(inFlightBytes / SMALLEST_FRAME_BYTES));
    }

    /**
     * netem's loss options. Its Gilbert-Elliott parameters are p, r, 1-h (loss in the bad state) and 1-k (loss
     * in the good state), all in percent.
     */
    static List<String> lossArguments(LossModel loss) {
        if (loss instanceof LossModel.Bernoulli b) {
            return List.of("loss", "random", percent(b.p()));
        }
        if (loss instanceof LossModel.GilbertElliott ge) {
            return List.of("loss", "gemodel", percent(ge.p()), percent(ge.r()), percent(ge.lossInBad()),
                    percent(ge.lossInGood()));
        }
        return List.of();
    }

    private static String percent(double probability) {
        return String.format(Locale.ROOT, "%.6f%%", probability * 100);
    }

    private static String micros(long nanos) {
        return (nanos / 1000) + "us";
    }
}
