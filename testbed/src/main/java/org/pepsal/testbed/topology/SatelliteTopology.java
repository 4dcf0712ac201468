package org.pepsal.testbed.topology;

import org.pepsal.testbed.link.EmulatedLink;
import org.pepsal.testbed.link.LinkBackend;
import org.pepsal.testbed.link.LinkDirection;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.link.QueueLimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The standard shapes of a satellite experiment, built in namespaces:
 * <ul>
 * <li>{@link Shape#SINGLE_PEP}: client — satellite link — gateway — terrestrial link — server. The PEP sits at
 * the ground station (the gateway), as operators deploy it: for downloads it is the sender on the satellite
 * leg.</li>
 * <li>{@link Shape#DISTRIBUTED_PEP}: client — terminal — satellite link — gateway — terrestrial link — server,
 * with a PEP at both ends of the satellite link.</li>
 * </ul>
 * Both links are oriented so that end {@code a} faces the Internet: {@code aToB} is the download
 * direction (forward link), {@code bToA} the upload (return link). This class builds routing only; a run with
 * the PEP starts it on each {@link #pepSites() site} (a "plain" run does not), so plain and split differ in
 * nothing else.
 */
public final class SatelliteTopology implements AutoCloseable {
    /**
     * A terrestrial link that never limits: 1 Gbit/s and no delay, so a plain veth with the kernel's tbf realises
     * it and no emulator spends the two cores' time on it; its queue is a kernel device's usual 1000 packets
     * (12 ms at the rate), since its BDP is nothing.
     */
    public static final LinkSpec DEFAULT_TERRESTRIAL = LinkSpec.symmetric(LinkDirection.of(1_000_000_000L, Duration.ZERO)
            .withQueueLimit(QueueLimit.packets(1000)));

    public enum Shape { SINGLE_PEP, DISTRIBUTED_PEP }

    /**
     * Where a PEP runs: its host, the device towards the satellite, and the device towards the ground side
     * (the terrestrial link at the gateway, the client's LAN at the terminal).
     */
    public record PepSite(Host host, String satelliteDevice, String groundDevice) {
        /** The device new connections arrive on: the satellite side at the gateway, the LAN at a terminal. */
        public String acceptingDevice(Host gateway) {
            return host == gateway ? satelliteDevice : groundDevice;
        }
    }

    private final Topology topology;
    private final Shape shape;
    private final Host client;
    private final Host terminal;
    private final Host gateway;
    private final Host server;
    private final EmulatedLink satellite;
    private final EmulatedLink terrestrial;
    private final Link clientLan;

    private SatelliteTopology(Topology topology, Shape shape, Host client, Host terminal, Host gateway, Host server,
                              EmulatedLink satellite, EmulatedLink terrestrial, Link clientLan) {
        this.topology = topology;
        this.shape = shape;
        this.client = client;
        this.terminal = terminal;
        this.gateway = gateway;
        this.server = server;
        this.satellite = satellite;
        this.terrestrial = terrestrial;
        this.clientLan = clientLan;
    }

    /**
     * Builds the shape, both links with {@code backend}; every host gets {@code tcp}. Everything is torn down by
     * {@link #close()}.
     */
    public static SatelliteTopology build(Shape shape, LinkSpec satelliteLink, LinkSpec terrestrialLink,
                                          LinkBackend backend, TcpSettings tcp) {
        return build(shape, satelliteLink, backend, terrestrialLink, backend, role -> tcp);
    }

    /**
     * Builds the shape, each link with its own backend (the terrestrial hop is usually a plain veth:
     * {@link org.pepsal.testbed.link.LinkBackends#terrestrial}); each host gets the TCP settings of its role
     * ({@code client}, {@code terminal}, {@code gateway}, {@code server}). Everything is torn down by
     * {@link #close()}.
     */
    public static SatelliteTopology build(Shape shape, LinkSpec satelliteLink, LinkBackend satelliteBackend,
                                          LinkSpec terrestrialLink, LinkBackend terrestrialBackend,
                                          Function<String, TcpSettings> tcpByRole) {
        Topology topology = Topology.create();
        try {
            Host client = topology.host("client");
            Host terminal = shape == Shape.DISTRIBUTED_PEP ? topology.host("terminal") : null;
            Host gateway = topology.host("gateway");
            Host server = topology.host("server");
            for (Host host : topology.hosts()) {
                tcpByRole.apply(host.role()).apply(host);
            }
            Link clientLan = terminal == null ? null : topology.veth(terminal, client);
            Host satelliteEnd = terminal == null ? client : terminal;
            EmulatedLink satellite = satelliteBackend.connect(topology, gateway, satelliteEnd, satelliteLink);
            EmulatedLink terrestrial = terrestrialBackend.connect(topology, server, gateway, terrestrialLink);

            Link sat = satellite.link();
            Link ground = terrestrial.link();
            topology.defaultRoute(server, ground);
            topology.enableForwarding(gateway);
            topology.defaultRoute(gateway, ground);
            if (terminal == null) {
                topology.defaultRoute(client, sat);
            } else {
                topology.enableForwarding(terminal);
                topology.defaultRoute(terminal, sat);
                topology.defaultRoute(client, clientLan);
                route(gateway, clientLan, sat);
            }
            return new SatelliteTopology(topology, shape, client, terminal, gateway, server, satellite, terrestrial,
                    clientLan);
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    /** Routes {@code destination}'s subnets from {@code host} through the far end of {@code via}. */
    private static void route(Host host, Link destination, Link via) {
        String subnet4 = destination.a().ipv4().replaceAll("\\.1$", ".0/24");
        String subnet6 = destination.a().ipv6().replaceAll("::1$", "::/64");
        host.exec("ip", "route", "replace", subnet4, "via", via.peerOf(host).ipv4(), "dev", via.deviceOf(host));
        host.exec("ip", "-6", "route", "replace", subnet6, "via", via.peerOf(host).ipv6(), "dev", via.deviceOf(host));
    }

    public Topology topology() {
        return topology;
    }

    public Shape shape() {
        return shape;
    }

    public Host client() {
        return client;
    }

    public Host gateway() {
        return gateway;
    }

    public Host server() {
        return server;
    }

    /** The client's address as the server sees it (no NAT anywhere). */
    public String clientAddress() {
        return clientLan == null ? satellite.link().b().ipv4() : clientLan.b().ipv4();
    }

    public String serverAddress() {
        return terrestrial.link().a().ipv4();
    }

    public EmulatedLink satelliteLink() {
        return satellite;
    }

    public EmulatedLink terrestrialLink() {
        return terrestrial;
    }

    /** The hook for starting the PEP: the gateway, and for the distributed shape the terminal too. */
    public List<PepSite> pepSites() {
        List<PepSite> sites = new ArrayList<>();
        sites.add(new PepSite(gateway, satellite.link().aDevice(), terrestrial.link().bDevice()));
        if (terminal != null) {
            sites.add(new PepSite(terminal, satellite.link().bDevice(), clientLan.aDevice()));
        }
        return sites;
    }

    @Override
    public void close() {
        topology.close();
    }
}
