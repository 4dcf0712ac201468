package org.pepsal.testbed.link;

import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.Topology;

import java.util.Optional;

/** A way of realising a {@link LinkSpec} between two hosts of a topology. */
public interface LinkBackend {
    /** The name recorded with results: {@code netem} or {@code userspace}. */
    String name();

    /** Where and in what order the backend emulates, as recorded with the results. */
    String layout();

    /** Whether this machine can run the backend at all, and if not why. */
    Optional<String> unavailableBecause();

    /** Why this backend cannot realise the spec faithfully, or empty if it can. */
    Optional<String> cannotRealise(LinkSpec spec);

    /**
     * Joins {@code a} and {@code b} with an emulated link, addressed like every other link of the topology
     * (the next link index's subnets) and torn down with it.
     */
    EmulatedLink connect(Topology topology, Host a, Host b, LinkSpec spec);
}
