package org.pepsal.testbed.splitter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.link.UserspaceBackend;
import org.pepsal.testbed.run.PointEnvironment;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Mode;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.ScenarioLoader;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.SatelliteTopology;
import org.pepsal.testbed.topology.Shell;
import org.pepsal.testbed.topology.Topology;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The satellite leg's BPF congestion control, {@code pepsal_sat}, against the real kernel: missing, the testbed
 * refuses a point that names it (the proxy itself warns and uses the default, as for any algorithm the kernel lacks:
 * {@link LinkAwareProxyTest}); {@code scripts/satcc.sh load} registers it; a download through the link-aware PEP over an emulated lossy link (10 Mbit/s, 100 ms RTT, 1 % loss) keeps
 * the satellite leg's window at its target (2 × share × min RTT in full packets, read back with {@code ss -tin})
 * and its payload paced so the packets fill just the share, where Reno's window collapses, and arrives intact;
 * {@code unload} leaves nothing registered. Registration is global: a {@code pepsal_sat} registered before the
 * test is kept (and the absent case is then not tested).
 */
@NeedsRoot
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SatelliteCongestionControlTest {
    private static final String NAME = "pepsal_sat";
    private static final int PORT = 9400;
    private static final long LENGTH = 6L << 20;
    private static final double RATE_BYTES_PER_SECOND = 10e6 / 8;
    private static final String SCENARIO = """
            name: satcc-test
            link:
              down: {rate: 10 Mbit/s, delay: 50 ms, loss: 1 %}
              up: {loss: 0 %}
            pep: {satelliteLeg: {congestionControl: CONGESTION_CONTROL}}
            workload:
              bulk: {duration: 2 s}
            calibration: {enabled: false}
            """;
    /** One socket in {@code ss -tin}: its congestion control's name and the fields the window is checked with. */
    private static final Pattern CWND = Pattern.compile("\\bcwnd:(\\d+)");
    private static final Pattern MSS = Pattern.compile("\\bmss:(\\d+)");
    private static final Pattern PMTU = Pattern.compile("\\bpmtu:(\\d+)");
    private static final Pattern MIN_RTT = Pattern.compile("\\bminrtt:([0-9.]+)");
    /** {@code pacing_rate 9800000bps/9800000bps}: the rate, and the cap SO_MAX_PACING_RATE set, when one is. */
    private static final Pattern PACING = Pattern.compile("\\bpacing_rate ([0-9.]+)([KMG]?)bps(?:/([0-9.]+)([KMG]?)bps)?");
    private static final Pattern RETRANSMITTED = Pattern.compile("\\bbytes_retrans:(\\d+)");
    private static final Pattern ACKED = Pattern.compile("\\bbytes_acked:(\\d+)");
    /** Acknowledged bytes after which a connection is past its first round trips (its window set by ACKs). */
    private static final long STEADY_ACKED = 256 << 10;

    @TempDir
    Path work;
    private boolean registeredBefore;

    record Sample(String congestionControl, int cwnd, int mss, int pmtu, double minRttSeconds,
                  double pacingBytesPerSecond, double maxPacingBytesPerSecond, long bytesAcked,
                  long bytesRetransmitted) {
        /** The window pepsal_sat aims at for this socket's share (payload bytes/s) and path: in full segments. */
        double target() {
            return Math.max(10, 2 * maxPacingBytesPerSecond * minRttSeconds / mss);
        }

        /** What the share puts on the link in whole packets (the kernel paces payload). */
        double onTheLink() {
            return pacingBytesPerSecond * pmtu / mss;
        }
    }

    @BeforeAll
    void noteWhatWasRegistered() throws Exception {
        registeredBefore = satcc("status").exit() == 0;
    }

    @AfterAll
    void unloadWhatThisTestLoaded() throws Exception {
        if (!registeredBefore && available()) {
            satcc("unload");
        }
    }

    @Test
    @Order(1)
    void whileMissingTheTestbedRefusesAPointThatNamesIt() throws Exception {
        assumeFalse(registeredBefore, NAME + " was registered before the test: its absence cannot be tested");
        List<String> before = ownNamespaces();
        assertThatThrownBy(() -> PointEnvironment.build(point(NAME), new UserspaceBackend(), work.resolve("p"), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(NAME).hasMessageContaining("satcc.sh");
        assertThat(ownNamespaces()).as("nothing built").isEqualTo(before);
    }

    @Test
    @Order(2)
    void loadRegistersIt() throws Exception {
        Run load = satcc("load");
        assertThat(load.exit()).as(load.output()).isZero();
        assertThat(available()).isTrue();
        assertThat(Shell.run("bpftool", "struct_ops", "show", "name", NAME)).contains(NAME);
        Run again = satcc("load");
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).contains("registered already");
    }

    @Test
    @Order(3)
    void underRandomLossTheWindowStaysAtTheTargetAndTheBytesArriveIntact() throws Exception {
        assertThat(available()).as(NAME + " registered").isTrue();
        Download download = download(NAME, true);

        assertThat(download.received().bytes()).isEqualTo(LENGTH);
        assertThat(download.received().sha256()).isEqualTo(Net.expectedDigest(PORT, LENGTH));
        List<Sample> steady = download.steady();
        assertThat(steady).as("samples of the satellite leg while it sent").hasSizeGreaterThanOrEqualTo(5);
        assertThat(steady).allSatisfy(s -> assertThat(s.congestionControl()).isEqualTo(NAME));
        // The share is the pacer's 98 % of the link for the one connection, in payload; the window is twice its BDP.
        assertThat(steady).allSatisfy(s -> assertThat(s.maxPacingBytesPerSecond())
                .isBetween(0.9 * RATE_BYTES_PER_SECOND, RATE_BYTES_PER_SECOND));
        // ... and the kernel paces the payload at it, so that the packets fill just 98 % of the link.
        assertThat(steady).allSatisfy(s -> assertThat(s.pacingBytesPerSecond())
                .isCloseTo(s.maxPacingBytesPerSecond(), within(0.01 * s.maxPacingBytesPerSecond())));
        assertThat(steady).allSatisfy(s -> assertThat(s.onTheLink())
                .isCloseTo(0.98 * RATE_BYTES_PER_SECOND, within(0.02 * RATE_BYTES_PER_SECOND)));
        long near = steady.stream().filter(s -> s.cwnd() >= 0.8 * s.target() && s.cwnd() <= 1.25 * s.target()).count();
        assertThat(near).as("samples with the window near its target: %s", steady).isGreaterThanOrEqualTo(
                Math.round(0.8 * steady.size()));
        assertThat(steady.get(steady.size() - 1).bytesRetransmitted()).as("the link lost packets").isPositive();
    }

    @Test
    @Order(4)
    void renoOnTheSameLinkCollapses() throws Exception {
        List<Sample> reno = download("reno", false).steady();
        assertThat(reno).as("samples of the satellite leg while it sent").hasSizeGreaterThanOrEqualTo(5);
        assertThat(reno).allSatisfy(s -> assertThat(s.congestionControl()).isEqualTo("reno"));
        double target = reno.get(0).target();
        assertThat(median(reno)).as("Reno's window against pepsal_sat's target %.0f: %s", target, reno)
                .isLessThan(0.3 * target);
    }

    @Test
    @Order(5)
    void unloadLeavesNothingRegistered() throws Exception {
        assumeFalse(registeredBefore, NAME + " was registered before the test: it is left registered");
        Run unload = satcc("unload");
        assertThat(unload.exit()).as(unload.output()).isZero();
        assertThat(available()).isFalse();
        assertThat(satcc("status").exit()).isEqualTo(1);
        // The program's map goes once the last socket that used it is freed. A socket of a torn-down namespace
        // whose FIN was lost on the lossy link lives on as an orphan, retransmitting, for up to minutes (it was
        // still there after 60 s in one run), so that is reported, not asserted: no new socket can pick the
        // algorithm, which is what unload promises.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Shell.tryRun("bpftool", "struct_ops", "show").stdout().contains(NAME) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        if (Shell.tryRun("bpftool", "struct_ops", "show").stdout().contains(NAME)) {
            System.err.println(NAME + "'s map is still held by a socket that used it (an orphan of a torn-down "
                    + "namespace); the kernel frees it when that socket goes");
        }
    }

    record Download(Net.Received received, List<Sample> samples) {
        /** The samples once the connection is past its first round trips ({@link #STEADY_ACKED}). */
        List<Sample> steady() {
            return samples.stream().filter(s -> s.bytesAcked() >= STEADY_ACKED).toList();
        }
    }

    /**
     * A download of {@link #LENGTH} bytes from the server to the client through the link-aware PEP, the gateway's
     * satellite-side socket sampled every 200 ms; {@code whole}: read to the end (else 6 s of samples, then the
     * download is cut).
     */
    private Download download(String congestionControl, boolean whole) throws Exception {
        Point point = point(congestionControl);
        try (PointEnvironment environment = PointEnvironment.build(point, new UserspaceBackend(),
                work.resolve(congestionControl), false)) {
            SatelliteTopology topology = environment.topology();
            ServerSocketChannel listener = Net.listen(topology.server(), topology.serverAddress(), PORT);
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (listener; SocketChannel accepted = listener.accept()) {
                    Net.send(accepted, PORT, LENGTH);
                } catch (IOException e) {
                    // A cut download ends the sender with a reset.
                }
            });
            SocketChannel client = Net.connect(topology.client(), topology.serverAddress(), PORT);
            CompletableFuture<Net.Received> received = CompletableFuture.supplyAsync(() -> {
                try {
                    return Net.receiveAll(client);
                } catch (IOException e) {
                    return null;
                }
            });
            List<Sample> samples = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(whole ? 60 : 6);
            while (!received.isDone() && System.nanoTime() < deadline) {
                samples.addAll(samples(topology.gateway(), topology.clientAddress()));
                Thread.sleep(200);
            }
            if (!received.isDone()) {
                client.close();
            }
            Net.Received result = received.get(10, TimeUnit.SECONDS);
            client.close();
            server.get(10, TimeUnit.SECONDS);
            return new Download(result, samples);
        }
    }

    private Point point(String congestionControl) throws Exception {
        Path file = Files.writeString(work.resolve(congestionControl + ".yaml"), SCENARIO.replace("CONGESTION_CONTROL", congestionControl));
        LoadedScenario loaded = ScenarioLoader.load(file, List.of());
        return new Point(loaded.variants().get(0), Mode.SPLIT, 1);
    }

    /** The gateway's sockets towards {@code peer} (its satellite legs) as {@code ss -tin} shows them. */
    private static List<Sample> samples(Host gateway, String peer) {
        String[] lines = gateway.exec("ss", "-tinH", "dst", peer).split("\n");
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i + 1 < lines.length; i++) {
            if (!lines[i].startsWith("ESTAB") || lines[i + 1].isBlank()) {
                continue;
            }
            String info = lines[i + 1].strip();
            Matcher cwnd = CWND.matcher(info);
            Matcher mss = MSS.matcher(info);
            Matcher pmtu = PMTU.matcher(info);
            Matcher minRtt = MIN_RTT.matcher(info);
            if (!cwnd.find() || !mss.find() || !pmtu.find() || !minRtt.find()) {
                continue;
            }
            Matcher pacing = PACING.matcher(info);
            boolean paced = pacing.find();
            Matcher retrans = RETRANSMITTED.matcher(info);
            Matcher acked = ACKED.matcher(info);
            samples.add(new Sample(info.split("\\s+")[0], Integer.parseInt(cwnd.group(1)),
                    Integer.parseInt(mss.group(1)), Integer.parseInt(pmtu.group(1)),
                    Double.parseDouble(minRtt.group(1)) / 1000,
                    paced ? bytesPerSecond(pacing.group(1), pacing.group(2)) : Double.NaN,
                    paced ? bytesPerSecond(pacing.group(3), pacing.group(4)) : Double.NaN,
                    acked.find() ? Long.parseLong(acked.group(1)) : 0,
                    retrans.find() ? Long.parseLong(retrans.group(1)) : 0));
        }
        return samples;
    }

    /** A rate as ss prints it (bits/s, maybe with a unit), in bytes/s; NaN where it printed none. */
    private static double bytesPerSecond(String value, String unit) {
        if (value == null) {
            return Double.NaN;
        }
        double scale = switch (unit) {
            case "K" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            default -> 1;
        };
        return Double.parseDouble(value) * scale / 8;
    }

    private static double median(List<Sample> samples) {
        int[] windows = samples.stream().mapToInt(Sample::cwnd).sorted().toArray();
        return windows.length == 0 ? Double.NaN : windows[windows.length / 2];
    }

    /** This run's namespaces ($TESTBED_PREFIX), not those of other runs on the machine. */
    private static List<String> ownNamespaces() {
        return Topology.leftoverNamespaces().stream().filter(n -> n.startsWith(Topology.PREFIX_ROOT)).toList();
    }

    private static boolean available() throws IOException {
        return Arrays.asList(Files.readString(Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control"))
                .strip().split("\\s+")).contains(NAME);
    }

    record Run(int exit, String output) {
    }

    /** scripts/satcc.sh, from the repository (the module's directory when Maven runs the test). */
    private static Run satcc(String action) throws Exception {
        Path script = Files.exists(Path.of("scripts/satcc.sh")) ? Path.of("scripts/satcc.sh")
                : Path.of("../scripts/satcc.sh");
        Process process = new ProcessBuilder("bash", script.toString(), action).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("satcc.sh " + action + " finished").isTrue();
        return new Run(process.exitValue(), output);
    }
}
