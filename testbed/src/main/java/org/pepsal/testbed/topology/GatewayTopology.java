package org.pepsal.testbed.topology;

import java.util.List;

/**
 * The smallest split: client — gateway — server on plain veth links, the gateway routing between them. With
 * {@code divert}, the gateway's TPROXY rules hand TCP connections arriving from the client to a proxy on
 * {@link PepProcess#PORT}; without, it only routes ("plain"), and nothing else differs.
 */
public final class GatewayTopology implements AutoCloseable {
    private final Topology topology;
    private final Host client;
    private final Host gateway;
    private final Host server;
    private final Link clientLink;
    private final Link serverLink;

    private GatewayTopology(Topology topology, Host client, Host gateway, Host server, Link clientLink,
                            Link serverLink) {
        this.topology = topology;
        this.client = client;
        this.gateway = gateway;
        this.server = server;
        this.clientLink = clientLink;
        this.serverLink = serverLink;
    }

    public static GatewayTopology build(boolean divert) {
        Topology topology = Topology.create();
        try {
            Host client = topology.host("client");
            Host gateway = topology.host("gw");
            Host server = topology.host("server");
            Link clientLink = topology.veth(client, gateway);
            Link serverLink = topology.veth(gateway, server);
            topology.defaultRoute(client, clientLink);
            topology.defaultRoute(server, serverLink);
            topology.enableForwarding(gateway);
            if (divert) {
                PepProcess.divert(gateway, clientLink.deviceOf(gateway));
            }
            return new GatewayTopology(topology, client, gateway, server, clientLink, serverLink);
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    public Topology topology() {
        return topology;
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

    public Link.End clientEnd() {
        return clientLink.endOf(client);
    }

    /** The gateway's device on the client's link: where the TPROXY rules divert. */
    public String gatewayClientDevice() {
        return clientLink.deviceOf(gateway);
    }

    public Link.End serverEnd() {
        return serverLink.endOf(server);
    }

    /** The gateway's device on the client's link: where TPROXY rules catch the client's connections. */
    public String clientLinkDevice() {
        return clientLink.deviceOf(gateway);
    }

    /** Limits both of the gateway's devices to {@code rate} (tc's syntax, e.g. {@code 1gbit}) with a token bucket. */
    public void limitGatewayRate(String rate) {
        for (Link link : List.of(clientLink, serverLink)) {
            gateway.exec("tc", "qdisc", "replace", "dev", link.deviceOf(gateway), "root", "tbf", "rate", rate,
                    "burst", "512kb", "latency", "20ms");
        }
    }

    @Override
    public void close() {
        topology.close();
    }
}
