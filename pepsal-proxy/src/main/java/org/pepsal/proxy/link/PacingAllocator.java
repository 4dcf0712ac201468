package org.pepsal.proxy.link;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares the satellite link's rate among the connections that use it, max–min fair and demand-aware (water
 * filling): a connection that wants less than an equal share gets what it wants, and the backlogged ones split the
 * rest equally. Idle connections are not counted, so they take nothing from the others; one that becomes active is
 * given {@link Allocation#newcomerShare()} until the next allocation counts it.
 */
public final class PacingAllocator {
    /** A demand of a connection with data waiting: it takes whatever share it gets. */
    public static final double BACKLOGGED = Double.POSITIVE_INFINITY;

    private PacingAllocator() {
    }

    /**
     * @param rates        connection → the pacing rate it gets, in the capacity's unit
     * @param newcomerShare what a connection that starts now would get: an equal share of what the backlogged ones
     *                      have, with it counted among them
     */
    public record Allocation<K>(Map<K, Double> rates, double newcomerShare) {
    }

    /**
     * @param capacity what all connections may pace at together (bytes/s)
     * @param demands  each counted connection's demand (bytes/s), or {@link #BACKLOGGED}; idle ones left out
     */
    public static <K> Allocation<K> allocate(double capacity, Map<K, Double> demands) {
        if (!(capacity > 0)) {
            throw new IllegalArgumentException("capacity must be positive, not " + capacity);
        }
        List<Map.Entry<K, Double>> byDemand = new ArrayList<>(demands.entrySet());
        byDemand.sort(Comparator.comparingDouble(Map.Entry::getValue));
        Map<K, Double> rates = new HashMap<>();
        double remaining = capacity;
        int left = byDemand.size();
        int backlogged = 0;
        for (Map.Entry<K, Double> entry : byDemand) {
            double demand = entry.getValue();
            if (!(demand >= 0)) {
                throw new IllegalArgumentException("a demand must be >= 0, not " + demand + " for " + entry.getKey());
            }
            double share = remaining / left;
            double rate = Math.min(demand, share);
            if (demand == BACKLOGGED) {
                backlogged++;
            }
            rates.put(entry.getKey(), rate);
            remaining -= rate;
            left--;
        }
        // What the backlogged split, plus what is left unused, shared with one more.
        double backloggedTotal = rates.entrySet().stream().filter(e -> demands.get(e.getKey()) == BACKLOGGED)
                .mapToDouble(Map.Entry::getValue).sum();
        return new Allocation<>(rates, (backloggedTotal + remaining) / (backlogged + 1));
    }
}
