package org.pepsal.testbed.link;

import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.Shell;

/**
 * Packets the kernel dropped at a userspace link's two TUN devices because the emulator did not read them fast
 * enough, per direction, counted from the workload's start. A direction's packets enter the emulator at the
 * sending host's TUN device: the kernel queues them in the device's ring ({@code tx_queue_len} packets) and, when
 * the ring is full, drops them and counts them in the device's {@code tx_dropped}; a kernel that instead stops the
 * device's queue leaves them to its qdisc, which counts its own drops. Both are read, in the host's namespace
 * (the emulator moved the devices there and cannot see them any more).
 */
public final class TunOverflows {
    private final Host aHost;
    private final String aDevice;
    private final Host bHost;
    private final String bDevice;
    private volatile long aBaseline;
    private volatile long bBaseline;

    /** The devices are fresh when the link is built: until {@link #start()}, counts are since then. */
    TunOverflows(Host aHost, String aDevice, Host bHost, String bDevice) {
        this.aHost = aHost;
        this.aDevice = aDevice;
        this.bHost = bHost;
        this.bDevice = bDevice;
    }

    /** The workload starts: counts from here. */
    void start() {
        aBaseline = dropped(aHost, aDevice);
        bBaseline = dropped(bHost, bDevice);
    }

    /** Packets a→b lost at a's TUN device since {@link #start()}. */
    long aToB() {
        return dropped(aHost, aDevice) - aBaseline;
    }

    long bToA() {
        return dropped(bHost, bDevice) - bBaseline;
    }

    /** What the kernel dropped on its way into the emulator at {@code device}: the device's and its qdisc's drops. */
    static long dropped(Host host, String device) {
        long counted = parseCounter(host.exec("cat", "/sys/class/net/" + device + "/statistics/tx_dropped"), device);
        Shell.Result qdiscs = host.tryExec("tc", "-s", "qdisc", "show", "dev", device);
        return counted + (qdiscs.ok() ? rootQdiscDrops(qdiscs.stdout()) : 0);
    }

    /** A sysfs statistics file: one decimal number. */
    static long parseCounter(String text, String device) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("tx_dropped of " + device + " is not a number: '" + text.strip() + "'");
        }
    }

    /**
     * The drops of the root qdiscs in {@code tc -s qdisc show} output: each qdisc's line is followed by
     * {@code Sent N bytes N pkt (dropped N, overlimits N requeues N)}; a child's drops are already in its root's.
     */
    static long rootQdiscDrops(String tcOutput) {
        long drops = 0;
        boolean root = false;
        for (String line : tcOutput.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("qdisc ")) {
                root = (" " + trimmed + " ").contains(" root ");
            } else if (root && trimmed.startsWith("Sent ")) {
                int at = trimmed.indexOf("(dropped ");
                if (at >= 0) {
                    String number = trimmed.substring(at + "(dropped ".length()).replaceFirst("[^0-9].*", "");
                    drops += Long.parseLong(number);
                }
                root = false;
            }
        }
        return drops;
    }
}
