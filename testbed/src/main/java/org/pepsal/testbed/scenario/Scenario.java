package org.pepsal.testbed.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.link.LinkBackend;
import org.pepsal.testbed.link.LinkBackends;
import org.pepsal.testbed.link.LinkDirection;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.topology.SatelliteTopology;
import org.pepsal.testbed.topology.TcpSettings;
import org.pepsal.testbed.traffic.Iperf3;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One experiment as its scenario file describes it, validated: what to build, what traffic to run, in which
 * modes and how often, and which fields to sweep. Built by {@link ScenarioLoader}; see docs/scenarios.md for
 * the file format.
 *
 * @param question the question the report answers (the description when the file names none)
 * @param sweep    field path → the values it takes; every combination is one {@link Variant}
 */
public record Scenario(String name, String description, String question, TopologySettings topology, LinkSpec link,
                       HostSettings hosts, PepSettings pep, Workload workload, List<Mode> modes, int repetitions,
                       long seed, Map<String, List<JsonNode>> sweep, CalibrationSettings calibration,
                       HealthSettings health) {

    /**
     * The shape (PEP at the gateway, or at both ends of the satellite link) and the terrestrial link.
     *
     * @param emulateTerrestrial whether the terrestrial hop goes through the run's link backend even when a plain
     *                           veth would give what it asks (a rate only)
     */
    public record TopologySettings(SatelliteTopology.Shape shape, LinkSpec terrestrial, boolean emulateTerrestrial) {
        /** How the terrestrial hop is realised, and why: a plain veth, or {@code emulator} where it must be. */
        public LinkBackends.Choice terrestrialBackend(LinkBackend emulator) {
            return LinkBackends.terrestrial(terrestrial, emulateTerrestrial, emulator);
        }
    }

    /**
     * Each host role's TCP settings ({@code client}, {@code terminal}, {@code gateway}, {@code server}): the
     * namespace's sysctls (congestion control, buffers, ECN, ...) and the initial windows of its routes.
     */
    public record HostSettings(Map<String, TcpSettings> byRole, Map<String, RouteWindows> routes) {
        public static final List<String> ROLES = List.of("client", "terminal", "gateway", "server");

        public TcpSettings forRole(String role) {
            TcpSettings settings = byRole.get(role);
            if (settings == null) {
                throw new IllegalArgumentException("no host role " + role + " (roles: " + ROLES + ")");
            }
            return settings;
        }

        public RouteWindows routesOf(String role) {
            return routes.getOrDefault(role, RouteWindows.KERNEL_DEFAULTS);
        }
    }

    /**
     * The initial congestion and receive windows set on every route of a host ({@code ip route ... initcwnd N
     * initrwnd M}, in segments); null leaves the kernel's (10 segments since Linux 2.6.39).
     */
    public record RouteWindows(Integer initcwnd, Integer initrwnd) {
        public static final RouteWindows KERNEL_DEFAULTS = new RouteWindows(null, null);

        public boolean isDefault() {
            return initcwnd == null && initrwnd == null;
        }
    }

    /**
     * What a point's link must have been like for its numbers to count: the emulator's lateness p99.9 at most
     * {@code maxLatenessP999Millis}, no drops outside the queue rule. A point that is not is flagged in the
     * report, and fails when {@code failPoint}.
     */
    public record HealthSettings(double maxLatenessP999Millis, boolean failPoint) {
        public static final HealthSettings DEFAULT = new HealthSettings(1.0, false);
    }

    /**
     * The PEP's settings, by what each leg faces: the satellite leg and the ground leg (towards the server at
     * the gateway, towards the client's LAN at a terminal).
     *
     * @param options   further proxy options, passed as they are
     * @param linkAware whether each PEP is told the satellite link (rate in the direction it sends, RTT, its side):
     *                  it then paces at each connection's share, starts connections near the BDP through the
     *                  routes' initial windows, and sizes a terminal's receive buffers from it; false to compare
     */
    public record PepSettings(LegSettings satelliteLeg, LegSettings groundLeg, boolean splice, List<String> options,
                              boolean linkAware) {
        /**
         * The proxy's link options at one site: the side its satellite leg is on, the rates it sends and receives
         * at over the satellite (at the gateway it sends over the forward link, at a terminal over the return link,
         * and receives over the other) and the base RTT; empty when the PEP is not told the link or the link has no
         * rate limit.
         */
        public List<String> linkArguments(boolean atGateway, LinkSpec link) {
            LinkDirection sending = atGateway ? link.aToB() : link.bToA();
            LinkDirection receiving = atGateway ? link.bToA() : link.aToB();
            if (!linkAware || sending.rateBitsPerSecond() == LinkDirection.UNLIMITED_RATE) {
                return List.of();
            }
            List<String> arguments = new ArrayList<>(List.of("--satellite-side", atGateway ? "client" : "server",
                    "--satellite-rate", sending.rateBitsPerSecond() + "bit/s"));
            if (receiving.rateBitsPerSecond() != LinkDirection.UNLIMITED_RATE) {
                arguments.addAll(List.of("--satellite-receive-rate", receiving.rateBitsPerSecond() + "bit/s"));
            }
            arguments.addAll(List.of("--satellite-rtt", link.baseRtt().toNanos() / 1000 + "us"));
            return List.copyOf(arguments);
        }

        /**
         * The proxy's command-line arguments at one site. The proxy calls the accepted connection its client
         * leg: at the gateway that is the satellite side, at a terminal the LAN side.
         */
        public List<String> arguments(boolean satelliteLegIsAccepted) {
            LegSettings clientLeg = satelliteLegIsAccepted ? satelliteLeg : groundLeg;
            LegSettings serverLeg = satelliteLegIsAccepted ? groundLeg : satelliteLeg;
            List<String> arguments = new ArrayList<>();
            clientLeg.addArguments("client", arguments);
            serverLeg.addArguments("server", arguments);
            arguments.add(splice ? "--splice" : "--no-splice");
            arguments.addAll(options);
            return arguments;
        }
    }

    /**
     * One leg's socket settings; null congestion control and zero buffers leave the system's defaults
     * (zero keeps autotuning on).
     */
    public record LegSettings(String congestionControl, long sendBufferBytes, long receiveBufferBytes) {
        public static final LegSettings DEFAULTS = new LegSettings(null, 0, 0);

        void addArguments(String proxyLeg, List<String> arguments) {
            if (congestionControl != null) {
                arguments.addAll(List.of("--" + proxyLeg + "-cc", congestionControl));
            }
            if (sendBufferBytes > 0) {
                arguments.addAll(List.of("--" + proxyLeg + "-sndbuf", Long.toString(sendBufferBytes)));
            }
            if (receiveBufferBytes > 0) {
                arguments.addAll(List.of("--" + proxyLeg + "-rcvbuf", Long.toString(receiveBufferBytes)));
            }
        }
    }

    /** Bulk transfers, short flows, or both at once (a mix): whichever sections the file gives; or a command alone. */
    public record Workload(Bulk bulk, Flows flows, Command command) {
        public enum Kind { BULK, FLOWS, MIX, COMMAND }

        public Kind kind() {
            return command != null ? Kind.COMMAND : bulk != null && flows != null ? Kind.MIX
                    : bulk != null ? Kind.BULK : Kind.FLOWS;
        }
    }

    /**
     * A user's own program as the workload: {@code server} (optional) started with {@code sh -c} in the server
     * host, then {@code client} in the client host, run to its end or for at most {@code timeout}; both find the
     * addresses in {@code $TESTBED_SERVER} and {@code $TESTBED_CLIENT}.
     *
     * @param metrics numbers to read from the client's stdout, in the file's order
     */
    public record Command(String server, String client, Duration timeout, List<CommandMetric> metrics) {
    }

    /** One number in a command's stdout: the first group of {@code regex}'s last match, in {@code unit}. */
    public record CommandMetric(String name, Pattern regex, String unit) {
    }

    public enum Direction { DOWNLOAD, UPLOAD }

    /**
     * An iperf3 transfer; a download is sent by the server (the PEP sends on the satellite leg). It runs for
     * {@code duration}, or — with {@code sizeBytes} &gt; 0 — until that many bytes arrived, at most {@code timeout}.
     * The first {@code omitSeconds} are left out of iperf3's figures (iperf3 -O).
     */
    public record Bulk(Duration duration, long sizeBytes, Duration timeout, int omitSeconds, int streams,
                       Direction direction) {
        public Iperf3.Transfer transfer(String congestionControl) {
            Iperf3.Transfer transfer = sizeBytes > 0 ? Iperf3.Transfer.fixedSize(sizeBytes, timeout, streams)
                    : Iperf3.Transfer.tcp(duration, streams);
            return transfer.downloading(direction == Direction.DOWNLOAD).withCongestionControl(congestionControl)
                    .omitting(omitSeconds);
        }

        public boolean fixedSize() {
            return sizeBytes > 0;
        }
    }

    /**
     * Downloads of each size, one after another, {@code repeat} times each: flow completion time and time to
     * first byte per size.
     */
    public record Flows(List<Long> sizesBytes, int repeat, Duration timeout) {
    }

    /**
     * Whether each point's links are measured before its workload runs, and how far they may be off.
     *
     * @param enabled false skips calibration (quick trials only: the numbers then rest on trust)
     */
    public record CalibrationSettings(boolean enabled, Calibration.Tolerances tolerances) {
    }
}
