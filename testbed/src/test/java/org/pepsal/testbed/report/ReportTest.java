package org.pepsal.testbed.report;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.measure.Legs;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;
import org.pepsal.testbed.measure.Sample;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.ScenarioLoader;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A run's outputs made from invented measurements, the way the runner records them, then rendered. */
class ReportTest {
    @TempDir
    Path dir;
    private LoadedScenario loaded;
    private RunOutput output;

    @BeforeEach
    void recordAFakeRun() throws Exception {
        Path file = Files.writeString(dir.resolve("sweep.yaml"), """
                name: fake-sweep
                description: invented numbers
                link:
                  down: {rate: 20 Mbit/s, delay: 300 ms}
                workload:
                  bulk: {duration: 5 s}
                  flows: {sizes: [10 KB, 1 MB]}
                repetitions: 2
                sweep:
                  link.down.loss: [0, 1 %]
                """);
        loaded = ScenarioLoader.load(file);
        output = RunOutput.create(dir.resolve("reports"), loaded.scenario().name());
        for (Point point : loaded.points()) {
            boolean split = point.mode().name().equals("split");
            boolean lossy = point.variant().id().equals("v02");
            double goodput = split ? 18e6 + point.repetition() * 1e5 : lossy ? 2.4e5 : 17e6;
            List<Measurement> measurements = new ArrayList<>(List.of(
                    Measurement.of(point, Legs.END_TO_END, Metrics.GOODPUT, goodput, Metrics.BITS_PER_SECOND),
                    Measurement.of(point, Legs.END_TO_END, Metrics.RETRANSMITS, lossy ? 120 : 0, Metrics.COUNT)));
            for (long size : List.of(10_000L, 1_000_000L)) {
                measurements.add(Measurement.of(point, Map.of(Metrics.FLOW_SIZE, Long.toString(size)),
                        Legs.END_TO_END, Metrics.FLOW_COMPLETION_TIME, (split ? 1.3 : 2.5) + size / 2e6, Metrics.SECONDS));
            }
            List<Sample> samples = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                samples.add(Sample.of(point, i * 0.5, Legs.END_TO_END, Metrics.GOODPUT, goodput * Math.min(1, i / 5.0), Metrics.BITS_PER_SECOND));
            }
            Calibration.Report calibration = new Calibration.Report(List.of(
                    new Calibration.Check("rtt", "a->b->a", 600.1, 600.3, 1, "ms", true)));
            output.record(point, measurements, samples, calibration);
        }
    }

    @Test
    void finishWritesCsvMetadataChartsAndReport() throws Exception {
        Path html = output.finish(RunMetadata.describe(loaded, "userspace (test)"));

        assertThat(html).isEqualTo(output.dir().resolve("report.html"));
        List<String> header = List.of(Files.readAllLines(output.dir().resolve("results.csv")).get(0).split(","));
        assertThat(header).containsExactly("variant", "link.down.loss", "flow.size", "mode", "repetition", "leg", "metric", "bound",
                "value", "unit", "state", "note");
        assertThat(ResultsCsv.readResults(output.dir().resolve("results.csv"))).hasSize(8 * 4);
        RunMetadata metadata = RunMetadata.read(output.dir().resolve("metadata.json"));
        assertThat(metadata.calibration()).containsKey("v01-plain-r1");
        assertThat(metadata.variant("v02").orElseThrow().mathisBoundBitsPerSecond().orElseThrow())
                .isBetween(0.23e6, 0.24e6);
        assertThat(metadata.document().get("name").asText()).isEqualTo("fake-sweep");

        assertThat(chartNames()).contains("goodput-plain-vs-split", "goodput-vs-loss", "goodput-over-time-v01",
                "flow-completion-v02");
        assertValidCharts();
        String report = Files.readString(html);
        assertThat(report).contains("<svg", "invented numbers", "Calibration", "600.300 ms", "Mathis");
    }

    @Test
    void reportRendersAgainFromResultsCsvAlone() throws Exception {
        output.finish(RunMetadata.describe(loaded, "userspace (test)"));
        Path alone = Files.createDirectories(dir.resolve("alone"));
        Files.copy(output.dir().resolve("results.csv"), alone.resolve("results.csv"));

        Path html = Report.render(alone);

        assertThat(Files.readString(html)).contains("results.csv alone", "<svg");
        assertThat(Files.list(alone.resolve("charts")).map(p -> p.getFileName().toString()))
                .contains("goodput-plain-vs-split.png", "goodput-vs-loss.svg", "flow-completion-v01.png");
    }

    private List<String> chartNames() throws IOException {
        try (Stream<Path> files = Files.list(output.dir().resolve("charts"))) {
            return files.map(p -> p.getFileName().toString().replaceAll("\\.(png|svg)$", "")).distinct().toList();
        }
    }

    private void assertValidCharts() throws Exception {
        try (Stream<Path> files = Files.list(output.dir().resolve("charts"))) {
            for (Path file : files.toList()) {
                if (file.toString().endsWith(".png")) {
                    byte[] bytes = Files.readAllBytes(file);
                    assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
                    BufferedImage image = ImageIO.read(file.toFile());
                    assertThat(image.getWidth()).isEqualTo(800);
                } else {
                    Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
                    assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
                }
            }
        }
    }
}
