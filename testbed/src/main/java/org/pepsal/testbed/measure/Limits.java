package org.pepsal.testbed.measure;

import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.Scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Limits computed from a point's configuration, as rows beside what it measured (so the report's reference lines
 * need nothing but results.csv):
 * <ul>
 *   <li>the physical limit of a download of each flow size: one base RTT for the handshake, one for the request,
 *   and the size's serialisation at the satellite link's rate — no TCP can finish sooner;</li>
 *   <li>where the client's own connection crosses the satellite link (a single PEP at the gateway, or no PEP), the
 *   limit the client's receive window sets: at most a window per round trip of that leg, the window opening at
 *   what a new connection advertises and at best doubling each round trip (receive-buffer autotuning) up to its
 *   largest, so a download needs two base RTTs, then a round trip per window until the window holds the rest or
 *   fills the link, then the rest at the link's rate. A sender cannot beat it, whatever it knows of the link.
 *   For a timed bulk download, likewise the most goodput it can average over its duration.</li>
 * </ul>
 */
public final class Limits {
    private Limits() {
    }

    /**
     * @param sizes       the flow sizes of the workload (bytes), empty without flows
     * @param clientLeg   the client's own leg of the path
     * @param window      the client's largest receive window, when its settings were read
     */
    public static Measured of(Point point, LinkFigures links, List<Long> sizes, Legs.Leg clientLeg, boolean download,
                              Optional<ReceiveWindow> window) {
        List<Measurement> rows = new ArrayList<>();
        double rtt = links.baseRttSeconds();
        double rate = links.dataRateBitsPerSecond();
        for (long size : sizes) {
            rows.add(Measurement.of(point, size(size), Legs.END_TO_END, Metrics.PHYSICAL_LIMIT,
                    physicalLimit(size, rtt, rate), Metrics.SECONDS));
        }
        if (download && window.isPresent() && clientLeg.crosses(Legs.SATELLITE)) {
            double legRtt = clientLeg.crosses(Legs.TERRESTRIAL) ? rtt : links.satelliteRttSeconds();
            double windowRate = window.get().bytes() * 8 / legRtt;
            String leg = clientLeg.name();
            rows.add(Measurement.of(point, leg, Metrics.RECEIVE_WINDOW, window.get().bytes(), Metrics.BYTES)
                    .withState(window.get().basis()));
            rows.add(Measurement.of(point, leg, Metrics.RECEIVE_WINDOW_INITIAL, window.get().initialBytes(),
                    Metrics.BYTES));
            rows.add(Measurement.of(point, leg, Metrics.RECEIVE_WINDOW_RATE, windowRate, Metrics.BITS_PER_SECOND));
            for (long size : sizes) {
                rows.add(Measurement.of(point, size(size), leg, Metrics.RECEIVE_WINDOW_LIMIT,
                        windowLimit(size, rtt, legRtt, rate, window.get()), Metrics.SECONDS));
            }
            Scenario.Bulk bulk = point.scenario().workload().bulk();
            if (bulk != null && !bulk.fixedSize()) {
                rows.add(Measurement.of(point, Legs.END_TO_END, Metrics.RECEIVE_WINDOW_GOODPUT_LIMIT,
                        windowGoodputLimit(bulk.duration().toNanos() / 1e9, bulk.streams(), legRtt,
                                links.capacityAt(0), window.get()), Metrics.BITS_PER_SECOND));
            }
        }
        return new Measured(rows, List.of());
    }

    /** Two round trips (handshake, request) and the size's serialisation at {@code rate}. */
    static double physicalLimit(long sizeBytes, double rttSeconds, double rateBitsPerSecond) {
        return 2 * rttSeconds + sizeBytes * 8.0 / rateBitsPerSecond;
    }

    /**
     * Two base RTTs, then one round trip of the client's leg ({@code legRtt}) per window while the window holds
     * less than the rest and less than the leg's BDP at {@code rate}, the window doubling each round up to its
     * largest; the last window's bytes at {@code rate}. A size within the first window gives the physical limit.
     */
    static double windowLimit(long sizeBytes, double rttSeconds, double legRttSeconds, double rateBitsPerSecond,
                              ReceiveWindow window) {
        double bdp = rateBitsPerSecond / 8 * legRttSeconds;
        double remaining = sizeBytes;
        double open = Math.max(1, Math.min(window.initialBytes(), window.bytes()));
        double seconds = 2 * rttSeconds;
        while (remaining > open && open < bdp) {
            remaining -= open;
            seconds += legRttSeconds;
            open = Math.min(2 * open, Math.max(open, window.bytes()));
        }
        return seconds + remaining * 8 / rateBitsPerSecond;
    }

    /**
     * The most goodput a timed download of {@code seconds} can average behind the client's window, counted from
     * its first data (as iperf3 counts): each of the {@code streams} opens its window at the initial one, together
     * at best doubling each round trip of the client's leg until they hold the leg's BDP at {@code capacity}
     * (goodput, bit/s) or reach their largest; then {@code capacity}, or what the largest windows let through.
     */
    static double windowGoodputLimit(double seconds, int streams, double legRttSeconds, double capacity,
                                     ReceiveWindow window) {
        double bdp = capacity / 8 * legRttSeconds;
        double largest = (double) streams * window.bytes();
        double open = streams * Math.max(1, Math.min(window.initialBytes(), window.bytes()));
        double bytes = 0;
        double elapsed = 0;
        while (open < bdp && open < largest && elapsed + legRttSeconds <= seconds) {
            bytes += open;
            elapsed += legRttSeconds;
            open = Math.min(2 * open, largest);
        }
        bytes += (seconds - elapsed) * Math.min(capacity / 8, open / legRttSeconds);
        return bytes * 8 / seconds;
    }

    private static Map<String, String> size(long bytes) {
        return Map.of(Metrics.FLOW_SIZE, Long.toString(bytes));
    }
}
