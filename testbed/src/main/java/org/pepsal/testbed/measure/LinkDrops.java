package org.pepsal.testbed.measure;

import org.pepsal.testbed.link.LinkStats;
import org.pepsal.testbed.scenario.Point;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The loss a link direction really dealt during the workload, beside the loss it was configured with: every packet
 * it dropped (its loss model, its queue's tail and its buffer, and what the kernel dropped at its TUN device before
 * the emulator read it) over every packet offered to it. Where the senders' own
 * retransmission rate sits far above this, they retransmitted what was not lost; where this sits far above the
 * configured loss, the senders built a queue the link had to drop from.
 */
public final class LinkDrops {
    private LinkDrops() {
    }

    /** @param name the link: {@link Legs#SATELLITE} or {@link Legs#TERRESTRIAL}; nothing without statistics */
    public static Measured of(Point point, String name, Optional<LinkStats> stats) {
        if (stats.isEmpty()) {
            return Measured.NONE;
        }
        List<Measurement> rows = new ArrayList<>();
        for (String direction : List.of("down", "up")) {
            LinkStats.Direction counted = direction.equals("down") ? stats.get().aToB() : stats.get().bToA();
            long offered = counted.received() + counted.tunOverflows();
            if (offered > 0) {
                long dropped = counted.lossDrops() + counted.tailDrops() + counted.bufferDrops() + counted.tunOverflows();
                rows.add(Measurement.of(point, Legs.link(name, direction), Metrics.LINK_DROP_RATE,
                        dropped / (double) offered, Metrics.FRACTION));
            }
        }
        return new Measured(rows, List.of());
    }
}
