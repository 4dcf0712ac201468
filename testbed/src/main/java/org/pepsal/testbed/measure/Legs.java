package org.pepsal.testbed.measure;

import org.pepsal.testbed.topology.SatelliteTopology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The legs of a point's path and their names. A connection from the client to the server runs through the
 * hosts client, [terminal,] gateway, server, over the links lan (distributed shape only), satellite and
 * terrestrial. Its TCP endpoints are the client, the server and, when the mode runs PEPs, every PEP site; each
 * pair of consecutive endpoints is one leg, named after the links it crosses: {@code end-to-end} when it
 * crosses them all (plain TCP), else {@code satellite}, {@code terrestrial}, {@code lan} (or a join such as
 * {@code lan+satellite}).
 */
public record Legs(List<Leg> legs) {
    public static final String SATELLITE = "satellite";
    public static final String TERRESTRIAL = "terrestrial";
    public static final String LAN = "lan";
    public static final String END_TO_END = "end-to-end";
    /** Rows about the point itself (status, times), not about a path. */
    public static final String POINT = "point";

    /** One TCP connection of the path: its name and the host roles at its two ends (towards the client first). */
    public record Leg(String name, String clientSide, String serverSide) {
        public boolean crosses(String link) {
            return Legs.crosses(name, link);
        }
    }

    /** Whether a leg of this name crosses the link {@code link} ({@link #SATELLITE}, ...): an end-to-end leg crosses all. */
    public static boolean crosses(String leg, String link) {
        return leg.equals(END_TO_END) || List.of(leg.split("\\+")).contains(link);
    }

    /** The leg name of one direction of an emulated link: {@code satellite-link.down}. */
    public static String link(String link, String direction) {
        return link + "-link." + direction;
    }

    /** The legs of a path of this shape, with or without PEPs. */
    public static Legs of(SatelliteTopology.Shape shape, boolean runsPeps) {
        boolean distributed = shape == SatelliteTopology.Shape.DISTRIBUTED_PEP;
        List<String> hosts = distributed ? List.of("client", "terminal", "gateway", "server")
                : List.of("client", "gateway", "server");
        List<String> links = distributed ? List.of(LAN, SATELLITE, TERRESTRIAL) : List.of(SATELLITE, TERRESTRIAL);
        List<Integer> endpoints = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            boolean pepSite = hosts.get(i).equals("gateway") || hosts.get(i).equals("terminal");
            if (!pepSite || runsPeps) {
                endpoints.add(i);
            }
        }
        List<Leg> legs = new ArrayList<>();
        for (int e = 0; e + 1 < endpoints.size(); e++) {
            int from = endpoints.get(e);
            int to = endpoints.get(e + 1);
            List<String> crossed = links.subList(from, to);
            String name = crossed.size() == links.size() ? END_TO_END : String.join("+", crossed);
            legs.add(new Leg(name, hosts.get(from), hosts.get(to)));
        }
        return new Legs(List.copyOf(legs));
    }

    /**
     * The leg of a socket of a data connection: at {@code host}, on the server's side of its connection (it
     * accepted it, its local address is the server's) or on the client's side (it opened it).
     */
    public Optional<Leg> legOf(String host, boolean serverSide) {
        return legs.stream().filter(l -> (serverSide ? l.serverSide() : l.clientSide()).equals(host)).findFirst();
    }

    /** The leg that crosses the satellite link. */
    public Leg satellite() {
        return legs.stream().filter(l -> l.crosses(SATELLITE)).findFirst().orElseThrow();
    }

    /** The leg whose server side is the server: where a download's first sender is, and an upload's receiver. */
    public Leg serverEnd() {
        return legs.get(legs.size() - 1);
    }

    public Leg clientEnd() {
        return legs.get(0);
    }
}
