package org.pepsal.testbed.link;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one place that writes {@code tc} commands for the netem backend. One direction lives on the egress of
 * its sending device: a root netem (loss, delay, jitter; its packet limit sized to hold everything in flight
 * on the delay line) and, below it, a tbf (the rate, with the bottleneck queue as its byte limit: tail drop).
 * This is the layout of the netem documentation's rate-control example. Because netem hands packets to its
 * child only when their delay is over, loss and delay act before the bottleneck queue here; for a constant
 * delay that gives each packet the same timing as queue-then-delay, and lost packets do not take queue space.
 * Schedule steps use {@code tc qdisc change} on the same handles, never delete-and-recreate, so queued packets
 * survive a step.
 */
public final class NetemCommands {
    static final String ROOT_HANDLE = "1:";
    static final String RATE_PARENT = "1:1";
    static final String RATE_HANDLE = "10:";
    /** netem's packet limit counts packets of any size: sized as if every packet were this small. */
    static final int SMALL_PACKET_BYTES = 500;
    static final int MINIMUM_NETEM_LIMIT = 1000;

    private NetemCommands() {
    }

    /** Commands that set up one direction on {@code device}. */
    public static List<List<String>> setup(String device, LinkDirection direction, long queueLimitBytes) {
        return commands("add", device, direction, queueLimitBytes);
    }

    /** Commands that move a direction set up by {@link #setup} to new settings in place. */
    public static List<List<String>> change(String device, LinkDirection direction, long queueLimitBytes) {
        return commands("change", device, direction, queueLimitBytes);
    }

    /** The command that checks whether this kernel has netem, on a throwaway device. */
    public static List<String> probe(String device) {
        return List.of("tc", "qdisc", "add", "dev", device, "root", "netem", "delay", "1ms");
    }

    private static List<List<String>> commands(String verb, String device, LinkDirection direction, long queueLimitBytes) {
        List<List<String>> commands = new ArrayList<>();
        List<String> netem = new ArrayList<>(List.of("tc", "qdisc", verb, "dev", device, "root", "handle", ROOT_HANDLE,
                "netem", "limit", Long.toString(netemLimitPackets(direction)),
                "delay", micros(direction.delay().toNanos())));
        if (!direction.jitter().isZero()) {
            netem.add(micros(direction.jitter().toNanos()));
        }
        netem.addAll(lossArguments(direction.loss()));
        commands.add(netem);
        if (!direction.unlimitedRate()) {
            commands.add(List.of("tc", "qdisc", verb, "dev", device, "parent", RATE_PARENT, "handle", RATE_HANDLE,
                    "tbf", "rate", direction.rateBitsPerSecond() + "bit",
                    "burst", Long.toString(burstBytes(direction)), "limit", Long.toString(queueLimitBytes)));
        }
        return commands;
    }

    /** Enough packets for the delay line at full rate, counted as small packets, never below netem's default. */
    static long netemLimitPackets(LinkDirection direction) {
        if (direction.unlimitedRate()) {
            return 1_000_000;
        }
        double inFlightBytes = direction.rateBitsPerSecond() / 8.0
                * direction.delay().plus(direction.jitter()).toNanos() / 1e9;
        return Math.max(MINIMUM_NETEM_LIMIT, (long) Math.ceil(2 * inFlightBytes / SMALL_PACKET_BYTES));
    }

    /** tbf's bucket: two full packets, or one millisecond at the rate if that is more (a timer tick's worth). */
    static long burstBytes(LinkDirection direction) {
        return Math.max(2L * direction.mtu(), (long) Math.ceil(direction.rateBitsPerSecond() / 8.0 / 1000));
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
