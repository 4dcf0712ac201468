package org.pepsal.testbed.link;

import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.Shell;
import org.pepsal.testbed.topology.TcpSettings;
import org.pepsal.testbed.topology.Topology;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two hosts joined by one emulated link (userspace unless told); closing it must leave nothing of the run behind. */
final class TwoHosts implements AutoCloseable {
    final Topology topology = Topology.create();
    final Host a;
    final Host b;
    final EmulatedLink link;

    TwoHosts(LinkSpec spec) {
        this(new UserspaceBackend(), spec);
    }

    TwoHosts(LinkBackend backend, LinkSpec spec) {
        try {
            a = topology.host("a");
            b = topology.host("b");
            TcpSettings.defaults().apply(a);
            TcpSettings.defaults().apply(b);
            link = backend.connect(topology, a, b, spec);
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    String aAddress() {
        return link.link().a().ipv4();
    }

    String bAddress() {
        return link.link().b().ipv4();
    }

    LinkStats stats() {
        return link.stats().orElseThrow();
    }

    @Override
    public void close() {
        topology.close();
        assertNothingLeft(topology.prefix());
    }

    /** No namespace, TUN device or emulator process of the run with this prefix remains. */
    static void assertNothingLeft(String prefix) {
        assertThat(Topology.leftoverNamespaces()).noneMatch(name -> name.startsWith(prefix));
        assertThat(LinkLeftovers.tunDevices(prefix)).isEmpty();
        assertThat(LinkLeftovers.emulatorProcesses(prefix)).isEmpty();
        assertThat(List.of(Shell.run("ip", "-o", "link").split("\n"))).noneMatch(line -> line.contains(prefix));
    }
}
