package org.pepsal.testbed.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.link.LinkBackends;
import org.pepsal.testbed.link.LinkDirection;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.measure.LinkFigures;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Mode;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.Scenario;
import org.pepsal.testbed.scenario.Variant;
import org.pepsal.testbed.topology.Shell;
import org.pepsal.testbed.topology.TcpSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * metadata.json: everything needed to interpret results.csv without the run — the machine (kernel, CPU, tools,
 * git commit), the link backend, each host's TCP settings, the scenario document as run, its modes, per variant
 * the link figures, the order the points run in, and per point its start and end, status and load average.
 * Written when the run starts and again after every point, so an interrupted run still says what it did.
 *
 * @param order       the point ids in the order they run (shuffled with the scenario's seed)
 * @param points      the points finished so far, in the order they ran
 * @param calibration point id → its calibration checks (configured beside measured)
 */
public record RunMetadata(String scenario, String description, String question, Instant started, String kernel,
                          String cpu, String backend, Map<String, String> toolVersions, String gitCommit,
                          Map<String, TcpSettings> hosts, Map<String, String> kernelTcp, JsonNode document,
                          List<Mode> modes, List<VariantInfo> variants, List<String> order, List<PointInfo> points,
                          Map<String, List<Calibration.Check>> calibration) {
    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    /** For the runner's own JSON files (a point's environment.json). */
    public static final com.fasterxml.jackson.databind.ObjectWriter JSON_WRITER = JSON.writer();

    public RunMetadata {
        order = order == null ? List.of() : List.copyOf(order);
        points = points == null ? List.of() : List.copyOf(points);
        calibration = calibration == null ? Map.of() : Map.copyOf(calibration);
        modes = modes == null ? List.of() : List.copyOf(modes);
    }

    /**
     * The link figures of one variant: rates, the path's base RTT, the forward link's mean loss, the MSS, and how
     * its terrestrial hop is realised (a plain veth, or the run's link backend) and why.
     */
    public record VariantInfo(String id, Map<String, String> parameters, double downRateBitsPerSecond,
                              double upRateBitsPerSecond, double baseRttSeconds, double downLoss, int mssBytes,
                              String terrestrialLink) {
        static VariantInfo of(Variant variant) {
            Scenario scenario = variant.scenario();
            LinkSpec satellite = scenario.link();
            LinkDirection down = satellite.aToB();
            Scenario.TopologySettings topology = scenario.topology();
            double rtt = satellite.baseRtt().plus(topology.terrestrial().baseRtt()).toNanos() / 1e9;
            String terrestrial = LinkBackends.emulationNeeded(topology.terrestrial(), topology.emulateTerrestrial())
                    .map(why -> "the run's link backend (" + why + ")")
                    .orElseGet(() -> LinkBackends.plainVeth().description());
            return new VariantInfo(variant.id(), variant.parameterText(), down.rateBitsPerSecond(),
                    satellite.bToA().rateBitsPerSecond(), rtt, down.loss().meanLoss(), down.mtu() - LinkFigures.TCP_IP_HEADERS,
                    terrestrial);
        }
    }

    /**
     * One point as it ran.
     *
     * @param status      {@code ok} or {@code failed}
     * @param reason      why it failed (its first line), else empty
     * @param loadAverage the machine's 1, 5 and 15 minute load averages when the point started
     */
    public record PointInfo(String id, String status, Instant started, Instant ended, String loadAverage, String reason) {
    }

    /** Describes a run about to start: the machine as it is now, the scenario as loaded, the points' order. */
    public static RunMetadata describe(LoadedScenario loaded, String backend, List<Point> order) {
        Scenario scenario = loaded.scenario();
        Map<String, TcpSettings> hosts = new LinkedHashMap<>(scenario.hosts().byRole());
        Map<String, String> kernelTcp = new LinkedHashMap<>();
        kernelTcp.put("net.ipv4.tcp_congestion_control", firstLine("sysctl", "-n", "net.ipv4.tcp_congestion_control"));
        kernelTcp.put("net.ipv4.tcp_available_congestion_control",
                firstLine("sysctl", "-n", "net.ipv4.tcp_available_congestion_control"));
        Map<String, String> tools = new LinkedHashMap<>();
        tools.put("java", System.getProperty("java.runtime.version"));
        tools.put("iperf3", firstLine("iperf3", "--version"));
        tools.put("iproute2", firstLine("ip", "-V"));
        tools.put("tc", firstLine("tc", "-V"));
        tools.put("ethtool", firstLine("ethtool", "--version"));
        return new RunMetadata(scenario.name(), scenario.description(), scenario.question(), Instant.now(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), cpuModel(), backend, tools,
                firstLine("git", "rev-parse", "HEAD"), hosts, kernelTcp, loaded.document(), scenario.modes(),
                loaded.variants().stream().map(VariantInfo::of).toList(), order.stream().map(Point::id).toList(),
                List.of(), Map.of());
    }

    /** The same run with one more point, or with a point's newer record replacing its older one (a resumed run). */
    public RunMetadata withPoint(PointInfo point) {
        List<PointInfo> all = new ArrayList<>(points.stream().filter(p -> !p.id().equals(point.id())).toList());
        all.add(point);
        return new RunMetadata(scenario, description, question, started, kernel, cpu, backend, toolVersions, gitCommit,
                hosts, kernelTcp, document, modes, variants, order, all, calibration);
    }

    /** The same run, with the points recorded by an earlier run of the same folder. */
    public RunMetadata withPoints(List<PointInfo> earlier) {
        RunMetadata merged = this;
        for (PointInfo point : earlier) {
            merged = merged.withPoint(point);
        }
        return merged;
    }

    public RunMetadata withCalibration(Map<String, List<Calibration.Check>> byPoint) {
        return new RunMetadata(scenario, description, question, started, kernel, cpu, backend, toolVersions, gitCommit,
                hosts, kernelTcp, document, modes, variants, order, points, byPoint);
    }

    public Optional<VariantInfo> variant(String id) {
        return variants.stream().filter(v -> v.id().equals(id)).findFirst();
    }

    public void write(Path file) {
        try {
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(temporary.toFile(), this);
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static RunMetadata read(Path file) {
        try {
            return JSON.readValue(file.toFile(), RunMetadata.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The 1, 5 and 15 minute load averages, from /proc/loadavg. */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "";
        }
    }

    /** The CPU's model name and how many logical CPUs there are, from /proc/cpuinfo. */
    static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown model");
            long cpus = lines.stream().filter(l -> l.startsWith("processor")).count();
            return model + " × " + cpus;
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A tool's first line of output, or why there is none: metadata never stops a run. */
    private static String firstLine(String... command) {
        if (!Shell.available(command[0])) {
            return "not installed";
        }
        Shell.Result result = Shell.tryRun(command);
        String out = (result.stdout().isBlank() ? result.stderr() : result.stdout()).strip();
        return result.ok() || !out.isEmpty() ? out.lines().findFirst().orElse("") : "unknown (exit " + result.exitCode() + ")";
    }
}
