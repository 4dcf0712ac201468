package org.pepsal.testbed.measure;

import org.pepsal.testbed.link.LinkDirection;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.link.Schedule;
import org.pepsal.testbed.scenario.Point;

import java.util.ArrayList;
import java.util.List;

/**
 * The links as a point configured them, as rows of its own results (so the report's reference lines need nothing
 * but the CSV): each direction's rate, delay, mean loss and the queue it actually used; the path's base RTT,
 * MSS and capacity in the data direction; and, over time, the satellite link's rate in the data direction at the
 * workload's start and at each schedule step (the schedule starts with the workload).
 */
public final class LinkFigures {
    /** IPv4 (20) and TCP with timestamps (32): a full segment's payload is the MTU less these. */
    public static final int TCP_IP_HEADERS = 52;

    private final LinkSpec satellite;
    private final LinkSpec terrestrial;
    private final boolean download;

    /** @param download whether data flows towards the client (the satellite link's down direction) */
    public LinkFigures(LinkSpec satellite, LinkSpec terrestrial, boolean download) {
        this.satellite = satellite;
        this.terrestrial = terrestrial;
        this.download = download;
    }

    public String dataDirection() {
        return download ? "down" : "up";
    }

    /** Every link's and link direction's base RTT: both links' delays both ways. */
    public double baseRttSeconds() {
        return satellite.baseRtt().plus(terrestrial.baseRtt()).toNanos() / 1e9;
    }

    /** The satellite link's own base RTT (its delays both ways), the RTT of a leg that ends at both its sides. */
    public double satelliteRttSeconds() {
        return satellite.baseRtt().toNanos() / 1e9;
    }

    /** The satellite link's rate in the data direction as the workload starts. */
    public double dataRateBitsPerSecond() {
        return data(satellite.aToB(), satellite.bToA()).rateBitsPerSecond();
    }

    /** The satellite link's configured mean loss in the data direction as the workload starts. */
    public double dataLoss() {
        return data(satellite.aToB(), satellite.bToA()).loss().meanLoss();
    }

    /** A full segment's payload on the satellite link in the data direction. */
    public int mss() {
        return data(satellite.aToB(), satellite.bToA()).mtu() - TCP_IP_HEADERS;
    }

    /** Goodput the satellite link allows in the data direction: rate × MSS/MTU × (1 − loss). */
    public static double capacity(LinkDirection direction) {
        return direction.rateBitsPerSecond() * (double) (direction.mtu() - TCP_IP_HEADERS) / direction.mtu()
                * (1 - direction.loss().meanLoss());
    }

    /** The capacity in force {@code seconds} after the schedule's start. */
    public double capacityAt(double seconds) {
        LinkDirection current = data(satellite.aToB(), satellite.bToA());
        for (Schedule.Step step : satellite.schedule().steps()) {
            if (step.at().toNanos() / 1e9 <= seconds) {
                current = data(step.aToB(), step.bToA());
            }
        }
        return capacity(current);
    }

    private LinkDirection data(LinkDirection aToB, LinkDirection bToA) {
        return download ? aToB : bToA;
    }

    public Measured of(Point point) {
        List<Measurement> rows = new ArrayList<>();
        addLink(point, rows, Legs.SATELLITE, satellite);
        addLink(point, rows, Legs.TERRESTRIAL, terrestrial);
        LinkDirection data = data(satellite.aToB(), satellite.bToA());
        rows.add(Measurement.of(point, Legs.END_TO_END, Metrics.BASE_RTT, baseRttSeconds(), Metrics.SECONDS));
        rows.add(Measurement.of(point, Legs.END_TO_END, Metrics.MSS, mss(), Metrics.BYTES));
        rows.add(Measurement.of(point, Legs.END_TO_END, Metrics.PATH_CAPACITY, capacity(data), Metrics.BITS_PER_SECOND)
                .withState(dataDirection()));
        List<Sample> samples = new ArrayList<>();
        String leg = Legs.link(Legs.SATELLITE, dataDirection());
        samples.add(Sample.of(point, 0, leg, Metrics.LINK_RATE, data.rateBitsPerSecond(), Metrics.BITS_PER_SECOND));
        for (Schedule.Step step : satellite.schedule().steps()) {
            samples.add(Sample.of(point, step.at().toNanos() / 1e9, leg, Metrics.LINK_RATE,
                    data(step.aToB(), step.bToA()).rateBitsPerSecond(), Metrics.BITS_PER_SECOND));
        }
        return new Measured(rows, samples);
    }

    private static void addLink(Point point, List<Measurement> rows, String name, LinkSpec link) {
        for (String direction : List.of("down", "up")) {
            LinkDirection d = direction.equals("down") ? link.aToB() : link.bToA();
            String leg = Legs.link(name, direction);
            rows.add(Measurement.of(point, leg, Metrics.LINK_RATE, d.rateBitsPerSecond(), Metrics.BITS_PER_SECOND));
            rows.add(Measurement.of(point, leg, Metrics.LINK_DELAY, d.delay().toNanos() / 1e9, Metrics.SECONDS));
            rows.add(Measurement.of(point, leg, Metrics.LINK_LOSS, d.loss().meanLoss(), Metrics.FRACTION));
            rows.add(Measurement.of(point, leg, Metrics.QUEUE_LIMIT, link.queueLimitBytes(d), Metrics.BYTES));
        }
    }
}
