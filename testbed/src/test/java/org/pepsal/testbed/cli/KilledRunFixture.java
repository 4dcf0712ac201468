package org.pepsal.testbed.cli;

import org.pepsal.testbed.link.LinkDirection;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.link.UserspaceBackend;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.Topology;

import java.time.Duration;

/** A run to be killed: builds two hosts and an emulated link, says its prefix, then waits forever. */
public final class KilledRunFixture {
    private KilledRunFixture() {
    }

    public static void main(String[] args) throws InterruptedException {
        Topology topology = Topology.create();
        Host a = topology.host("a");
        Host b = topology.host("b");
        new UserspaceBackend().connect(topology, a, b, LinkSpec.symmetric(LinkDirection.of(10_000_000, Duration.ofMillis(5))));
        System.out.println("built " + topology.prefix());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
