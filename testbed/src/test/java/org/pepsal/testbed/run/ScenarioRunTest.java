package org.pepsal.testbed.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.link.LinkBackends;
import org.pepsal.testbed.measure.Legs;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;
import org.pepsal.testbed.measure.Sample;
import org.pepsal.testbed.report.ResultsCsv;
import org.pepsal.testbed.report.RunOutput;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.ScenarioLoader;
import org.pepsal.testbed.shell.PeerFixture;
import org.pepsal.testbed.topology.Topology;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Tiny scenarios end to end: built, calibrated, run, measured per leg, written as CSV, charts and a report. */
@NeedsRoot
class ScenarioRunTest {
    private static final String TINY = """
            name: tiny
            description: A few seconds of traffic over a short emulated link, plain and split.
            link:
              down: {rate: 20 Mbit/s, delay: 10 ms}
              up: {rate: 10 Mbit/s}
            hosts:
              all: {congestionControl: cubic}
              server: {initcwnd: 20}
            pep:
              satelliteLeg: {congestionControl: bbr}
            workload:
              bulk: {duration: 2 s, direction: download}
              flows: {sizes: [10 KB, 200 KB]}
            repetitions: 1
            calibration: {rtt: 3 ms}
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private ScenarioRunner.Summary run(String yaml, String name, boolean failFast) throws Exception {
        Path file = Files.writeString(work.resolve(name + ".yaml"), yaml);
        LoadedScenario loaded = ScenarioLoader.load(file, List.of());
        RunOutput output = RunOutput.open(work.resolve(name));
        return new ScenarioRunner(loaded, LinkBackends.choose("userspace", loaded.scenario().link()), output, failFast,
                false, new PrintStream(new ByteArrayOutputStream())).run(1);
    }

    @Test
    void runsPlainAndSplitAndMeasuresEveryLeg() throws Exception {
        ScenarioRunner.Summary summary = run(TINY, "tiny", false);
        Path out = work.resolve("tiny");

        assertThat(summary.failed()).as("failed points").isEmpty();
        assertThat(summary.report()).exists().hasFileName("report.html");
        List<Measurement> rows = ResultsCsv.readResults(out.resolve("results.csv"));
        for (String mode : List.of("plain", "split")) {
            double goodput = value(rows, mode, Legs.END_TO_END, Metrics.GOODPUT, "");
            // Between a tenth of the link and the link itself (20 Mbit/s less headers).
            assertThat(goodput).as(mode + " goodput").isBetween(2e6, 20e6 * 1448 / 1500);
            for (String size : List.of("10000", "200000")) {
                double completion = value(rows, mode, Legs.END_TO_END, Metrics.FLOW_COMPLETION_TIME, size);
                double firstByte = value(rows, mode, Legs.END_TO_END, Metrics.TIME_TO_FIRST_BYTE, size);
                // At least the handshake and the request's round trip (2 × 20 ms), and the first byte first.
                assertThat(firstByte).isGreaterThan(0.035);
                assertThat(completion).isGreaterThanOrEqualTo(firstByte).isLessThan(5);
            }
            // The emulator's own statistics, for each direction of the satellite link (the terrestrial hop is a
            // plain veth, with no emulator and so none of its statistics, but with its configured rate).
            assertThat(value(rows, mode, "terrestrial-link.down", Metrics.LINK_RATE, "")).isPositive();
            assertThat(rows).noneMatch(m -> m.leg().equals("terrestrial-link.down")
                    && m.metric().equals("link_packets_delivered"));
            for (String leg : List.of("satellite-link.down", "satellite-link.up")) {
                assertThat(value(rows, mode, leg, "link_packets_delivered", "")).as(mode + " " + leg).isPositive();
                assertThat(value(rows, mode, leg, "link_lateness_p999", "")).isGreaterThanOrEqualTo(0);
            }
        }
        // What each leg's sender ran, read from the kernel: the PEP's satellite-side socket BBR, the rest CUBIC.
        assertThat(congestionControl(rows, "split", Legs.SATELLITE)).containsExactly("bbr");
        assertThat(congestionControl(rows, "split", Legs.TERRESTRIAL)).containsExactly("cubic");
        assertThat(congestionControl(rows, "plain", Legs.END_TO_END)).containsExactly("cubic");
        assertThat(value(rows, "split", Legs.SATELLITE, Metrics.SEGMENTS_SENT, "")).isGreaterThan(1000);
        assertThat(value(rows, "split", Legs.SATELLITE, Metrics.SRTT, "")).isGreaterThan(0.019);
        assertThat(rows).anyMatch(m -> m.mode().equals("split") && m.leg().equals(Legs.SATELLITE)
                && m.metric().equals(Metrics.RETRANSMISSION_RATE));
        List<Sample> series = ResultsCsv.readTimeseries(out.resolve("timeseries.csv"));
        for (String[] modeAndLeg : new String[][] {{"split", Legs.SATELLITE}, {"plain", Legs.END_TO_END}}) {
            assertThat(series.stream().filter(s -> s.measurement().mode().equals(modeAndLeg[0])
                    && s.measurement().leg().equals(modeAndLeg[1]) && s.measurement().metric().equals(Metrics.CWND)).count())
                    .as("cwnd samples of " + modeAndLeg[0]).isGreaterThan(10);
        }
        // Whole 1 s bins, each row with its width: the receiver's goodput and what the satellite leg's sender saw
        // delivered, which the link's rate bounds.
        for (String[] modeAndLeg : new String[][] {{"split", Legs.SATELLITE}, {"plain", Legs.END_TO_END}}) {
            List<Sample> delivered = series.stream().filter(s -> s.measurement().mode().equals(modeAndLeg[0])
                    && s.measurement().metric().equals(Metrics.DELIVERED_GOODPUT)).toList();
            assertThat(delivered).as("delivered_goodput of " + modeAndLeg[0]).isNotEmpty()
                    .allMatch(s -> s.binSeconds() == 1.0 && s.measurement().leg().equals(modeAndLeg[1]))
                    .allMatch(s -> s.measurement().value() <= 20e6);
        }
        assertThat(series).filteredOn(s -> s.measurement().metric().equals(Metrics.GOODPUT))
                .isNotEmpty().allMatch(s -> s.binSeconds() == 1.0);
        // The link calibrated fully on its first point; the other point checked its latency only.
        List<String> tables = Stream.of("plain", "split").map(mode -> read(out.resolve("points/v01-" + mode
                + "-r1/calibration.txt"))).toList();
        assertThat(tables).filteredOn(t -> t.contains("udp rate")).hasSize(1);
        assertThat(tables).filteredOn(t -> !t.contains("udp rate")).singleElement().asString()
                .contains("rtt", "rate and loss: measured on this link's configuration before v01-");

        JsonNode environment = JSON.readTree(out.resolve("points/v01-split-r1/environment.json").toFile());
        assertThat(environment.path("commands").path("pepsal at the gateway").toString()).contains("--client-cc", "bbr");
        assertThat(environment.path("commands").path("iperf3 client").toString()).contains("-R");
        assertThat(environment.path("hosts").path("server").path("sysctls").path("net.ipv4.tcp_congestion_control")
                .asText()).isEqualTo("cubic");
        assertThat(environment.path("hosts").path("server").path("routes").asText()).contains("initcwnd 20");
        assertThat(environment.path("hosts").path("gateway").path("qdiscs").asText()).isNotBlank();
        assertCharts(out);
        assertThat(Topology.leftoverNamespaces()).noneMatch(name -> name.startsWith(Topology.PREFIX_ROOT));
    }

    @Test
    void aPointThatFailsCalibrationIsRecordedAndTheNextStillRuns() throws Exception {
        // v01 asks for an RTT within 1 µs: it cannot pass; v02 allows 5 ms.
        ScenarioRunner.Summary summary = run("""
                name: strict
                description: One variant whose calibration cannot pass.
                link: {down: {rate: 10 Mbit/s, delay: 5 ms}}
                workload: {bulk: {duration: 1 s}}
                modes: [plain]
                sweep: {calibration.rtt: [1 us, 5 ms]}
                """, "strict", false);
        Path out = work.resolve("strict");

        assertThat(summary.failed()).extracting(r -> r.point().id()).containsExactly("v01-plain-r1");
        assertThat(summary.failed().get(0).failure()).startsWith("calibration").contains("OUT OF TOLERANCE");
        assertThat(summary.allPassed()).isFalse();
        List<Measurement> rows = ResultsCsv.readResults(out.resolve("results.csv"));
        assertThat(rows).anyMatch(m -> m.variant().equals("v01") && m.metric().equals(Metrics.POINT_STATUS)
                && m.state().equals("failed") && m.note().contains("rtt"));
        assertThat(rows).anyMatch(m -> m.variant().equals("v02") && m.metric().equals(Metrics.GOODPUT) && m.value() > 1e6);
        assertThat(Files.readString(out.resolve("points/v01-plain-r1/failure.txt"))).contains("OUT OF TOLERANCE");
        assertThat(Files.readString(summary.report())).contains("v01-plain-r1", "OUT OF TOLERANCE");
        assertThat(Topology.leftoverNamespaces()).noneMatch(name -> name.startsWith(Topology.PREFIX_ROOT));
    }

    @Test
    void aSplitPointNamingACongestionControlTheKernelLacksFailsBeforeAnythingIsBuilt() throws Exception {
        // The proxy would only warn and keep the gateway's CUBIC, and the point measure what was not asked; it is
        // refused first. (A leg that ran another algorithm than the configured one after all is caught from the
        // sender's TCP_INFO: SenderMeasuresTest.)
        ScenarioRunner.Summary summary = run("""
                name: wrong-cc
                description: The PEP is told one congestion control and runs another.
                link: {down: {rate: 10 Mbit/s, delay: 5 ms}}
                hosts: {all: {congestionControl: cubic}}
                pep:
                  satelliteLeg: {congestionControl: testbed-none}
                workload: {bulk: {duration: 2 s}}
                modes: [split]
                calibration: {enabled: false}
                """, "wrong-cc", false);

        assertThat(summary.failed()).hasSize(1);
        assertThat(summary.failed().get(0).failure())
                .contains("congestion control testbed-none is not available here", "scripts/satcc.sh");
        assertThat(Files.readString(summary.report())).contains("testbed-none is not available here");
        assertThat(Topology.leftoverNamespaces()).noneMatch(name -> name.startsWith(Topology.PREFIX_ROOT));
    }

    @Test
    void aCommandWorkloadRunsTheUsersServerAndClientOverTheLinkAndRecordsTheirOutcome() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java") + " -cp "
                + System.getProperty("java.class.path") + " " + PeerFixture.class.getName();
        // v01 waits long enough; v02 kills the client (a JVM) long before it can answer.
        ScenarioRunner.Summary summary = run("""
                name: own-program
                description: A user's client and server as the workload.
                link: {down: {rate: 20 Mbit/s, delay: 10 ms}}
                workload:
                  command:
                    server: '%s server 9417'
                    client: '%s client $TESTBED_SERVER 9417'
                    metrics: {answer_time: {regex: 'hello after ([0-9.]+) ms', unit: ms}}
                modes: [split]
                repetitions: 1
                calibration: {enabled: false}
                sweep: {workload.command.timeout: [60 s, 20 ms]}
                """.formatted(java, java), "own-program", false);
        Path out = work.resolve("own-program");

        assertThat(summary.failed()).as("failed points").isEmpty();
        List<Measurement> rows = ResultsCsv.readResults(out.resolve("results.csv"));
        Measurement exit = row(rows, "v01", Metrics.COMMAND_EXIT_STATUS);
        assertThat(exit.value()).isZero();
        assertThat(exit.state()).isEqualTo("completed");
        // Connect to answer crosses the path both ways: at least its base RTT, (10 + 5 ms) × 2.
        Measurement answer = row(rows, "v01", "command_answer_time");
        assertThat(answer.leg()).isEqualTo(Legs.END_TO_END);
        assertThat(answer.unit()).isEqualTo("ms");
        assertThat(answer.value()).isBetween(29.0, 5000.0);
        assertThat(row(rows, "v01", Metrics.COMMAND_WALL_TIME).value()).isGreaterThan(answer.value() / 1e3);
        Path point = out.resolve("points/v01-split-r1");
        assertThat(Files.readString(point.resolve("command-stdout.txt"))).contains("hello after");
        // The server ran in the server host and saw the client's own address (the PEP splits transparently).
        assertThat(Files.readString(point.resolve("command-server.log"))).contains("peer 10.200.1.2");
        JsonNode commands = JSON.readTree(point.resolve("environment.json").toFile()).path("commands");
        assertThat(commands.path("command client").toString()).contains("TESTBED_SERVER=", "client $TESTBED_SERVER 9417");
        assertThat(commands.path("command server").toString()).contains("server 9417");

        // Timed out: a result with its state and a lower bound, not a failed point. 20 ms is less than the path's
        // base RTT (30 ms), so no client can have its answer in time, however fast its start.
        Measurement wall = row(rows, "v02", Metrics.COMMAND_WALL_TIME);
        assertThat(wall.censored()).isTrue();
        assertThat(wall.value()).isGreaterThanOrEqualTo(0.02);
        assertThat(wall.state()).isEqualTo("timed-out");
        assertThat(row(rows, "v02", Metrics.COMMAND_EXIT_STATUS).state()).isEqualTo("timed-out");
        assertThat(row(rows, "v02", Metrics.POINT_STATUS).state()).isEqualTo("ok");
        assertThat(rows).noneMatch(m -> m.variant().equals("v02") && m.metric().equals("command_answer_time"));

        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(line -> line.contains(PeerFixture.class.getName()) && line.contains("9417"))).isEmpty();
        assertThat(Topology.leftoverNamespaces()).noneMatch(name -> name.startsWith(Topology.PREFIX_ROOT));
    }

    private static Measurement row(List<Measurement> rows, String variant, String metric) {
        return rows.stream().filter(m -> m.variant().equals(variant) && m.metric().equals(metric)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + metric + " for " + variant + " in " + rows));
    }

    private static List<String> congestionControl(List<Measurement> rows, String mode, String leg) {
        return rows.stream().filter(m -> m.mode().equals(mode) && m.leg().equals(leg)
                && m.metric().equals(Metrics.CONGESTION_CONTROL)).map(Measurement::state).toList();
    }

    private static void assertCharts(Path out) throws Exception {
        Set<String> charts;
        try (Stream<Path> files = Files.list(out.resolve("charts"))) {
            charts = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertThat(charts).contains("goodput-plain-vs-split.png", "goodput-plain-vs-split.svg", "sender-v01.png",
                "goodput-over-time-v01.svg");
        for (String chart : charts) {
            Path path = out.resolve("charts").resolve(chart);
            if (chart.endsWith(".png")) {
                assertThat(ImageIO.read(path.toFile())).as(chart).isNotNull();
            } else {
                Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(path.toFile());
                assertThat(svg.getDocumentElement().getTagName()).as(chart).isEqualTo("svg");
            }
        }
    }

    private static double value(List<Measurement> rows, String mode, String leg, String metric, String flowSize) {
        return rows.stream().filter(r -> r.mode().equals(mode) && r.leg().equals(leg) && r.metric().equals(metric)
                        && r.parameters().getOrDefault(Metrics.FLOW_SIZE, "").equals(flowSize))
                .mapToDouble(Measurement::value).findFirst()
                .orElseThrow(() -> new AssertionError("no " + metric + " " + flowSize + " on " + leg + " for " + mode));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
