package org.pepsal.testbed.link;

import java.util.List;

/**
 * The one place that turns a direction's rate and queue (the link model's plain words, as Mininet's {@code TCLink}
 * takes {@code bw=}) into a kernel shaper: a tbf whose rate is the direction's and whose byte limit is its
 * bottleneck queue (tail drop). Both kernel-shaped links use it: a netem link's rate stage
 * ({@link NetemCommands}) and a plain veth's ({@link VethBackend}).
 */
public final class KernelShaping {
    static final String ROOT_HANDLE = "1:";

    private KernelShaping() {
    }

    /** {@code tc qdisc VERB dev DEVICE root handle 1: tbf rate R burst B limit L}; {@code verb} is add or change. */
    public static List<String> tbf(String verb, String device, LinkDirection direction, long queueLimitBytes) {
        return List.of("tc", "qdisc", verb, "dev", device, "root", "handle", ROOT_HANDLE, "tbf",
                "rate", direction.rateBitsPerSecond() + "bit", "burst", Long.toString(burstBytes(direction)),
                "limit", Long.toString(queueLimitBytes));
    }

    /** tbf's bucket: two full packets, or one millisecond at the rate if that is more (a timer tick's worth). */
    static long burstBytes(LinkDirection direction) {
        return Math.max(2L * direction.mtu(), (long) Math.ceil(direction.rateBitsPerSecond() / 8.0 / 1000));
    }
}
