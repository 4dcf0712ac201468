package org.pepsal.testbed.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.link.LinkDirection;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Scenario;
import org.pepsal.testbed.scenario.Variant;
import org.pepsal.testbed.topology.Shell;
import org.pepsal.testbed.topology.TcpSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * metadata.json: everything needed to interpret results.csv without the run — the machine (kernel, tools,
 * git commit), the link backend, each host's TCP settings, the scenario document as run, per variant the
 * link figures the reference lines need, and each point's calibration.
 *
 * @param hosts       host role → its configured TCP settings (congestion control, buffer maximum, sysctls)
 * @param kernelTcp   the root namespace's TCP defaults (congestion control, available algorithms)
 * @param calibration point id → its calibration checks (configured beside measured)
 */
public record RunMetadata(String scenario, String description, String question, Instant started, String kernel,
                          String backend, Map<String, String> toolVersions, String gitCommit,
                          Map<String, TcpSettings> hosts, Map<String, String> kernelTcp, JsonNode document,
                          List<VariantInfo> variants, Map<String, List<Calibration.Check>> calibration) {
    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    /** IPv4 (20) and TCP with timestamps (32): the MSS is the MTU less these. */
    private static final int TCP_IP_HEADERS = 52;

    /**
     * The link figures of one variant, for reference lines: rates, the path's base RTT (satellite and
     * terrestrial links both ways) and the forward link's mean loss.
     */
    public record VariantInfo(String id, Map<String, String> parameters, double downRateBitsPerSecond,
                              double upRateBitsPerSecond, double baseRttSeconds, double downLoss, int mssBytes) {
        static VariantInfo of(Variant variant) {
            Scenario scenario = variant.scenario();
            LinkSpec satellite = scenario.link();
            LinkDirection down = satellite.aToB();
            double rtt = satellite.baseRtt().plus(scenario.topology().terrestrial().baseRtt()).toNanos() / 1e9;
            return new VariantInfo(variant.id(), variant.parameterText(), down.rateBitsPerSecond(),
                    satellite.bToA().rateBitsPerSecond(), rtt, down.loss().meanLoss(), down.mtu() - TCP_IP_HEADERS);
        }

        /** Mathis et al. (1997): goodput ≤ MSS/RTT · 1.22/√p; empty without loss (no bound). */
        public Optional<Double> mathisBoundBitsPerSecond() {
            return downLoss > 0 ? Optional.of(mssBytes * 8 / baseRttSeconds * 1.22 / Math.sqrt(downLoss)) : Optional.empty();
        }
    }

    /** Describes a run about to start: the machine as it is now and the scenario as loaded; no calibration yet. */
    public static RunMetadata describe(LoadedScenario loaded, String backend) {
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
        return new RunMetadata(scenario.name(), scenario.description(), scenario.question(), Instant.now(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), backend, tools,
                firstLine("git", "rev-parse", "HEAD"), hosts, kernelTcp, loaded.document(),
                loaded.variants().stream().map(VariantInfo::of).toList(), Map.of());
    }

    public RunMetadata withCalibration(Map<String, List<Calibration.Check>> byPoint) {
        return new RunMetadata(scenario, description, question, started, kernel, backend, toolVersions, gitCommit, hosts,
                kernelTcp, document, variants, Map.copyOf(byPoint));
    }

    public Optional<VariantInfo> variant(String id) {
        return variants.stream().filter(v -> v.id().equals(id)).findFirst();
    }

    public void write(Path file) {
        try {
            JSON.writeValue(file.toFile(), this);
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
