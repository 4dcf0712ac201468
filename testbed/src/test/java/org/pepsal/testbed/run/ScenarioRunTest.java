package org.pepsal.testbed.run;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.link.LinkBackends;
import org.pepsal.testbed.report.RunOutput;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.ScenarioLoader;
import org.pepsal.testbed.topology.Topology;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A tiny scenario end to end: built, calibrated, run plain and split, written as CSV, charts and a report. */
@NeedsRoot
class ScenarioRunTest {
    private static final String TINY = """
            name: tiny
            description: A few seconds of traffic over a short emulated link, plain and split.
            link:
              down: {rate: 20 Mbit/s, delay: 10 ms}
              up: {rate: 10 Mbit/s}
            workload:
              bulk: {duration: 2 s, direction: download}
              flows: {sizes: [10 KB, 200 KB]}
            repetitions: 1
            calibration: {rtt: 3 ms}
            """;

    @TempDir
    Path work;

    @Test
    void runsPlainAndSplitAndWritesResultsChartsAndReport() throws Exception {
        Path file = work.resolve("tiny.yaml");
        Files.writeString(file, TINY);
        LoadedScenario loaded = ScenarioLoader.load(file, List.of());
        RunOutput output = RunOutput.open(work.resolve("out"));

        Path report = new ScenarioRunner(loaded, LinkBackends.choose("userspace", loaded.scenario().link()), output)
                .run(1);

        assertThat(report).exists().hasFileName("report.html");
        List<CSVRecord> rows;
        try (Reader in = Files.newBufferedReader(output.dir().resolve("results.csv"));
             CSVParser csv = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in)) {
            assertThat(csv.getHeaderNames()).containsExactly("variant", "flow.size", "mode", "repetition", "leg", "metric",
                    "bound", "value", "unit", "state", "note");
            rows = csv.getRecords();
        }
        for (String mode : List.of("plain", "split")) {
            double goodput = value(rows, mode, "goodput", "");
            // Between a tenth of the link and the link itself (20 Mbit/s less headers).
            assertThat(goodput).as(mode + " goodput").isBetween(2e6, 20e6 * 1448 / 1500);
            for (String size : List.of("10000", "200000")) {
                double completion = value(rows, mode, "flow_completion_time", size);
                double firstByte = value(rows, mode, "time_to_first_byte", size);
                // At least the handshake and the request's round trip (2 × 20 ms), and the first byte first.
                assertThat(firstByte).isGreaterThan(0.035);
                assertThat(completion).isGreaterThanOrEqualTo(firstByte).isLessThan(5);
            }
        }
        assertThat(rows).anyMatch(r -> r.get("mode").equals("split")
                && r.get("metric").equals("pep_gateway_rtt") && Double.parseDouble(r.get("value")) > 0.019);
        assertThat(Files.readString(output.dir().resolve("metadata.json"))).contains("\"userspace");

        Set<String> charts;
        try (Stream<Path> files = Files.list(output.dir().resolve("charts"))) {
            charts = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertThat(charts).contains("goodput-plain-vs-split.png", "goodput-plain-vs-split.svg");
        for (String chart : charts) {
            Path path = output.dir().resolve("charts").resolve(chart);
            if (chart.endsWith(".png")) {
                assertThat(ImageIO.read(path.toFile())).as(chart).isNotNull();
            } else {
                Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(path.toFile());
                assertThat(svg.getDocumentElement().getTagName()).as(chart).isEqualTo("svg");
            }
        }
        assertThat(Topology.leftoverNamespaces()).noneMatch(name -> name.startsWith(Topology.PREFIX_ROOT));
    }

    private static double value(List<CSVRecord> rows, String mode, String metric, String flowSize) {
        return rows.stream().filter(r -> r.get("mode").equals(mode) && r.get("metric").equals(metric)
                        && r.get("flow.size").equals(flowSize))
                .mapToDouble(r -> Double.parseDouble(r.get("value"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + metric + " " + flowSize + " for " + mode + " in " + rows));
    }
}
