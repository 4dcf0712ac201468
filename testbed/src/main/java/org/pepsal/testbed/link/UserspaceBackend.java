package org.pepsal.testbed.link;

import org.pepsal.testbed.link.emulator.EmulatorProcess;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.Link;
import org.pepsal.testbed.topology.Topology;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Links emulated in userspace: one {@link org.pepsal.testbed.link.emulator.LinkEmulator} process per link,
 * joining the hosts with two TUN devices named {@code <run prefix>l<index>a} and {@code ...b}.
 */
public final class UserspaceBackend implements LinkBackend {
    public static final String NAME = "userspace";
    private final boolean realtime;

    /**
     * With real-time priority: on a busy machine (2 cores shared with traffic tools and other runs) a normal
     * thread woken at its deadline may wait several milliseconds for a core; measured on this kind of machine
     * the emulator's lateness p99 went from about 20 ms to 0.2 ms.
     */
    public UserspaceBackend() {
        this(true);
    }

    /** @param realtime give the emulator's direction threads SCHED_FIFO priority (where permitted) */
    public UserspaceBackend(boolean realtime) {
        this.realtime = realtime;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String layout() {
        return "an emulator process per link between two TUN devices in the hosts: bottleneck queue and rate, "
                + "then loss, then delay";
    }

    @Override
    public Optional<String> unavailableBecause() {
        return Files.isReadable(Path.of("/dev/net/tun")) ? Optional.empty()
                : Optional.of("/dev/net/tun is missing or not readable (needs root and the tun driver)");
    }

    @Override
    public Optional<String> cannotRealise(LinkSpec spec) {
        return Optional.empty();
    }

    /** The names of a link's TUN devices: the run prefix makes leftovers recognisable to {@code testbed clean}. */
    public static String deviceName(String runPrefix, int linkIndex, char end) {
        return runPrefix + "l" + linkIndex + end;
    }

    @Override
    public EmulatedLink connect(Topology topology, Host a, Host b, LinkSpec spec) {
        int index = topology.nextLinkIndex();
        String aDevice = deviceName(topology.prefix(), index, 'a');
        String bDevice = deviceName(topology.prefix(), index, 'b');
        EmulatorProcess emulator = EmulatorProcess.start(topology.prefix(), spec, aDevice, a.namespace(),
                bDevice, b.namespace(), realtime);
        topology.onClose(emulator::close);
        Link link = new Link(index, a, b, aDevice, bDevice);
        a.exec("ip", "link", "set", "dev", aDevice, "mtu", Integer.toString(spec.aToB().mtu()));
        b.exec("ip", "link", "set", "dev", bDevice, "mtu", Integer.toString(spec.bToA().mtu()));
        link.configureEnds();
        topology.adopt(link);
        return new UserspaceLink(link, spec, emulator, new TunOverflows(a, aDevice, b, bDevice));
    }

    /**
     * A link carried by an emulator process; its statistics add what the kernel dropped at its TUN devices
     * before the emulator read it.
     */
    public record UserspaceLink(Link link, LinkSpec spec, EmulatorProcess emulator, TunOverflows overflows)
            implements EmulatedLink {
        @Override
        public String backend() {
            return NAME;
        }

        @Override
        public long startSchedule() {
            overflows.start();
            return emulator.startSchedule();
        }

        @Override
        public boolean cutDelay(long nanos) {
            emulator.cutDelay(nanos);
            return true;
        }

        @Override
        public Optional<LinkStats> stats() {
            LinkStats counted = emulator.stats();
            return Optional.of(counted.withTunOverflows(overflows.aToB(), overflows.bToA()));
        }
    }
}
