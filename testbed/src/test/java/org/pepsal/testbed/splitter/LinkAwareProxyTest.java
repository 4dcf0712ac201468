package org.pepsal.testbed.splitter;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pepsal.proxy.link.SatelliteCongestionControl;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.topology.PepProcess;
import org.pepsal.testbed.topology.Shell;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The link-aware proxy as the kernel sees its sockets ({@code ss -tin} in the gateway): told the satellite link, its
 * satellite-side socket runs the configured congestion control with a pacing rate capped at the link's rate, the
 * ground-side one the host's default, uncapped; where the kernel refuses a feature (a congestion control it lacks,
 * SO_MAX_PACING_RATE) the proxy warns and carries on plainly, and the bytes still arrive intact.
 */
@NeedsRoot
class LinkAwareProxyTest extends EchoGatewayFixture {
    private static final long LINK_RATE = 20_000_000;
    /** ss's {@code pacing_rate 19.4Mbps/20Mbps}: the current rate, and the cap when one is set. */
    private static final Pattern PACING = Pattern.compile("pacing_rate ([\\d.]+)([KMG]?)bps(?:/([\\d.]+)([KMG]?)bps)?");
    private static final List<String> LINK = List.of("--satellite-side", "client", "--satellite-rate", "20Mbit/s",
            "--satellite-rtt", "600ms");

    @BeforeEach
    void cubicByDefault() {
        // The default differs from the satellite leg's (pepsal_sat or bbr), so ss tells the legs' settings apart.
        net.gateway().sysctl("net.ipv4.tcp_congestion_control", "cubic");
    }

    @Test
    void theSatelliteSideRunsItsCongestionControlPacedAtMostAtTheLinkRate() throws Exception {
        pep = PepProcess.start(net.gateway(), work, LINK);

        Map<String, String> sockets = afterEchoing(4_000_000, 42);

        // No --satellite-cc: pepsal_sat where this kernel has it registered, else BBR and a warning saying so.
        SatelliteCongestionControl.Choice choice = SatelliteCongestionControl.choose(SatelliteCongestionControl.available());
        String satellite = satelliteSide(sockets);
        assertThat(satellite).contains(choice.algorithm());
        if (choice.warning() != null) {
            assertThat(pep.log()).contains("link-aware: pepsal_sat is not registered");
        } else {
            assertThat(pep.log()).doesNotContain("is not registered");
        }
        double[] pacing = pacing(satellite);
        assertThat(pacing[1]).as("SO_MAX_PACING_RATE: " + satellite).isPositive().isLessThanOrEqualTo(LINK_RATE);
        assertThat(pacing[0]).as(satellite).isLessThanOrEqualTo(pacing[1]);
        String ground = groundSide(sockets);
        assertThat(ground).contains("cubic");
        assertThat(pacing(ground)[1]).as("the ground leg is not capped: " + ground).isNaN();
    }

    @Test
    void aCongestionControlTheKernelLacksIsWarnedAboutAndTheLegRunsTheDefault() throws Exception {
        pep = PepProcess.start(net.gateway(), work, concat(LINK, List.of("--satellite-cc", "pepsalnosuchcc")));

        Map<String, String> sockets = afterEchoing(1_000_000, 43);

        assertThat(pep.log()).contains("cannot use congestion control pepsalnosuchcc");
        String satellite = satelliteSide(sockets);
        assertThat(satellite).contains("cubic");
        assertThat(pacing(satellite)[1]).as("still paced: " + satellite).isLessThanOrEqualTo(LINK_RATE);
    }

    @Test
    void aRefusedPacingCapIsWarnedAboutAndTheConnectionRunsUnpaced() throws Exception {
        Path wrapper = refusePacing();
        pep = PepProcess.start(net.gateway(), work, List.of(wrapper.toString()), LINK);

        Map<String, String> sockets = afterEchoing(1_000_000, 44);

        assertThat(pep.log()).contains("the kernel refused SO_MAX_PACING_RATE");
        String satellite = satelliteSide(sockets);
        assertThat(satellite).contains(SatelliteCongestionControl.choose(SatelliteCongestionControl.available()).algorithm());
        assertThat(pacing(satellite)[1]).as("no cap: " + satellite).isNaN();
    }

    /**
     * Echoes {@code bytes} through the proxy (the echo comes back over the satellite side), checks every byte came
     * back, and then, the connection still open, reads the gateway's two sockets of it.
     */
    private Map<String, String> afterEchoing(int bytes, long seed) throws Exception {
        try (SocketChannel channel = Net.connect(net.client(), net.serverEnd().ipv4(), ECHO_PORT)) {
            Future<byte[]> sent = threads.submit(() -> Net.send(channel, seed, bytes));
            byte[] echoed = Net.readExactly(channel, bytes);
            assertThat(echoed).hasSize(bytes);
            assertThat(MessageDigest.getInstance("SHA-256").digest(echoed)).isEqualTo(sent.get(5, TimeUnit.SECONDS));
            Map<String, String> sockets = Map.of();
            for (int attempt = 0; attempt < 50 && !bothLegs(sockets); attempt++) {
                sockets = sockets();
                Thread.sleep(20);
            }
            assertThat(bothLegs(sockets)).as("the connection's two legs in the gateway, as ss lists them: %s", sockets)
                    .isTrue();
            return sockets;
        }
    }

    /** The gateway's established TCP sockets that have sent data: their address line → ss's info line. */
    private Map<String, String> sockets() {
        Map<String, String> sockets = new LinkedHashMap<>();
        String current = null;
        for (String line : net.gateway().exec("ss", "-tinH", "state", "established").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                current = line.strip();
            } else if (current != null && line.contains("bytes_sent")) {
                sockets.merge(current, line.strip(), (a, b) -> a + " " + b);
            }
        }
        return sockets;
    }

    private boolean bothLegs(Map<String, String> sockets) {
        return sockets.keySet().stream().anyMatch(this::isSatelliteSide)
                && sockets.keySet().stream().anyMatch(this::isGroundSide)
                && PACING.matcher(sockets.entrySet().stream().filter(e -> isSatelliteSide(e.getKey()))
                .findFirst().orElseThrow().getValue()).find();
    }

    /** The accepted socket: its local address is the server's (transparent), its peer the client. */
    private boolean isSatelliteSide(String addresses) {
        return addresses.matches(".*" + Pattern.quote(net.serverEnd().ipv4() + ":" + ECHO_PORT) + "\\s+"
                + Pattern.quote(net.clientEnd().ipv4()) + ":\\d+.*");
    }

    /** The socket the proxy opened: from the client's address to the server's. */
    private boolean isGroundSide(String addresses) {
        return addresses.matches(".*" + Pattern.quote(net.clientEnd().ipv4()) + ":\\d+\\s+"
                + Pattern.quote(net.serverEnd().ipv4() + ":" + ECHO_PORT) + ".*");
    }

    private String satelliteSide(Map<String, String> sockets) {
        return sockets.entrySet().stream().filter(e -> isSatelliteSide(e.getKey())).findFirst().orElseThrow().getValue();
    }

    private String groundSide(Map<String, String> sockets) {
        return sockets.entrySet().stream().filter(e -> isGroundSide(e.getKey())).findFirst().orElseThrow().getValue();
    }

    /** The pacing rate and its cap in bit/s from ss's info line; NaN where ss shows none. */
    private static double[] pacing(String info) {
        Matcher m = PACING.matcher(info);
        if (!m.find()) {
            return new double[]{Double.NaN, Double.NaN};
        }
        return new double[]{bits(m.group(1), m.group(2)), m.group(3) == null ? Double.NaN : bits(m.group(3), m.group(4))};
    }

    private static double bits(String number, String prefix) {
        double scale = switch (prefix) {
            case "K" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            default -> 1;
        };
        return Double.parseDouble(number) * scale;
    }

    /** The seccomp wrapper that refuses SO_MAX_PACING_RATE, compiled for this machine. */
    private Path refusePacing() throws IOException, InterruptedException {
        if (!Shell.available("gcc")) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true, but the refused-pacing test needs gcc to build its seccomp wrapper");
            }
            Assumptions.abort("needs gcc to build the seccomp wrapper that refuses SO_MAX_PACING_RATE");
        }
        Path source = work.resolve("refuse-pacing.c");
        try (InputStream in = getClass().getResourceAsStream("refuse-pacing.c")) {
            Files.copy(in, source);
        }
        Path binary = work.resolve("refuse-pacing");
        Process gcc = new ProcessBuilder("gcc", "-O", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes());
        assertThat(gcc.waitFor()).as(output).isZero();
        return binary;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
