package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.GatewayTopology;
import org.pepsal.testbed.topology.Host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's TCP counters that tell why a connection failed ({@code nstat}: /proc/net/snmp and netstat, per
 * namespace), read in the client, gateway and server hosts before and after a check: a listen queue that
 * overflowed, a SYN that found its 4-tuple in use, a reset counted where, and so on.
 */
final class NetCounters {
    /**
     * The counters worth printing when nonzero. Each short connection's reset counts once in TCPAbortOnData (the
     * closing side, SO_LINGER 0) and EstabResets (both sides): those two give the volume the others compare with.
     */
    static final List<String> WATCHED = List.of("TcpAttemptFails", "TcpEstabResets", "TcpExtTCPAbortOnData",
            "TcpExtTCPAbortOnClose", "TcpExtTCPAbortOnTimeout", "TcpExtTCPAbortOnLinger", "TcpExtTCPAbortFailed",
            "TcpExtListenOverflows", "TcpExtListenDrops", "TcpExtTCPReqQFullDrop", "TcpExtTCPBacklogDrop",
            "TcpExtSyncookiesSent", "TcpExtEmbryonicRsts", "TcpExtTW", "TcpExtTWRecycled", "TcpExtTWKilled",
            "TcpExtTCPTimeWaitOverflow", "TcpExtPAWSEstabRejected", "TcpExtPAWSActive", "TcpExtTCPChallengeACK",
            "TcpExtTCPSYNChallenge", "TcpExtTCPSynRetrans", "TcpExtTCPTimeouts", "TcpExtTCPACKSkippedSynRecv",
            "TcpExtTCPACKSkippedChallenge", "TcpExtTCPRcvQDrop", "TcpExtTCPZeroWindowDrop", "TcpExtTCPMemoryPressures",
            "TcpExtLockDroppedIcmps", "TcpExtOutOfWindowIcmps", "TcpExtTCPMinTTLDrop", "IpInDiscards", "IpOutNoRoutes",
            "IpExtInNoRoutes");

    private final Map<String, Map<String, Long>> before;
    private final Map<String, Host> hosts;

    private NetCounters(Map<String, Host> hosts) {
        this.hosts = hosts;
        this.before = read(hosts);
    }

    /** The counters of the topology's three hosts as they are now. */
    static NetCounters start(GatewayTopology net) {
        Map<String, Host> hosts = new LinkedHashMap<>();
        hosts.put("client", net.client());
        hosts.put("gateway", net.gateway());
        hosts.put("server", net.server());
        return new NetCounters(hosts);
    }

    /** One line per host with the watched counters that grew since {@link #start}, e.g. {@code gateway: TcpExtListenDrops +3}. */
    List<String> grown() {
        Map<String, Map<String, Long>> after = read(hosts);
        List<String> lines = new ArrayList<>();
        for (String role : hosts.keySet()) {
            StringBuilder line = new StringBuilder();
            for (String counter : WATCHED) {
                long delta = after.get(role).getOrDefault(counter, 0L) - before.get(role).getOrDefault(counter, 0L);
                if (delta != 0) {
                    line.append(line.isEmpty() ? "" : ", ").append(counter).append(" +").append(delta);
                }
            }
            lines.add("kernel counters, " + role + ": " + (line.isEmpty() ? "none of the watched grew" : line));
        }
        return lines;
    }

    /** One counter of {@code host} as it is now (e.g. {@code TcpPassiveOpens}); 0 when the kernel has none. */
    static long value(Host host, String counter) {
        return parse(host.exec("nstat", "-asz", counter)).getOrDefault(counter, 0L);
    }

    private static Map<String, Map<String, Long>> read(Map<String, Host> hosts) {
        Map<String, Map<String, Long>> all = new LinkedHashMap<>();
        hosts.forEach((role, host) -> all.put(role, parse(host.exec("nstat", "-asz"))));
        return all;
    }

    /** {@code nstat -asz}: a header line, then "NAME VALUE RATE" lines (absolute values, history untouched). */
    static Map<String, Long> parse(String text) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length >= 2 && !line.startsWith("#") && fields[1].matches("\\d+")) {
                values.put(fields[0], Long.parseLong(fields[1]));
            }
        }
        return values;
    }
}
