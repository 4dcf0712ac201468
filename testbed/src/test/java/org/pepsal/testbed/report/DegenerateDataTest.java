package org.pepsal.testbed.report;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Charts and the report over data sets of every shape: each dimension (variants, modes, repetitions, flow sizes,
 * bulk or not, values, censoring, a metric missing for some points, CSV only, failed points) takes each of its
 * values at least once, the others drawn at random with a fixed seed. Every data set must give a report.html,
 * valid PNG and SVG files, and no chart that crashed.
 */
class DegenerateDataTest {
    private static final List<Integer> VARIANTS = List.of(1, 2);
    private static final List<List<String>> MODES = List.of(List.of("plain"), List.of("split"), List.of("plain", "split"),
            List.of("plain", "split", "server-bbr"));
    private static final List<Integer> REPETITIONS = List.of(1, 2, 6);
    private static final List<List<Long>> SIZES = List.of(List.of(), List.of(10_000_000L), List.of(10_000L, 1_000_000L));
    private static final List<Boolean> BOOLEANS = List.of(false, true);

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> everyShapeGivesAReport() {
        Random random = new Random(13);
        Set<FakeRun.Shape> shapes = new LinkedHashSet<>();
        int dimensions = 10;
        for (int dimension = 0; dimension < dimensions; dimension++) {
            int values = List.of(VARIANTS.size(), MODES.size(), REPETITIONS.size(), SIZES.size(), 2,
                    FakeRun.Values.values().length, FakeRun.Censoring.values().length, 2, 2,
                    FakeRun.Failures.values().length).get(dimension);
            for (int value = 0; value < values; value++) {
                shapes.add(shape(random, dimension, value));
            }
        }
        // The data sets of issue 13: one variant, one size, a single mode, one repetition.
        shapes.add(new FakeRun.Shape(1, List.of("split"), 1, List.of(10_000_000L), false, FakeRun.Values.NORMAL,
                FakeRun.Censoring.NONE, false, false, FakeRun.Failures.NONE));
        shapes.add(new FakeRun.Shape(1, List.of("plain", "split"), 2, List.of(10_000_000L), false, FakeRun.Values.NORMAL,
                FakeRun.Censoring.ALL, false, false, FakeRun.Failures.NONE));
        return shapes.stream().map(shape -> DynamicTest.dynamicTest(shape.toString(), () -> renders(shape)));
    }

    /** A shape whose {@code dimension} takes its {@code value}-th value and whose others are random. */
    private static FakeRun.Shape shape(Random random, int dimension, int value) {
        int[] pick = new int[10];
        int[] sizes = {VARIANTS.size(), MODES.size(), REPETITIONS.size(), SIZES.size(), 2, 3, 3, 2, 2, 3};
        for (int i = 0; i < pick.length; i++) {
            pick[i] = i == dimension ? value : random.nextInt(sizes[i]);
        }
        List<Long> flowSizes = SIZES.get(pick[3]);
        boolean bulk = BOOLEANS.get(pick[4]) || flowSizes.isEmpty();
        return new FakeRun.Shape(VARIANTS.get(pick[0]), MODES.get(pick[1]), REPETITIONS.get(pick[2]), flowSizes, bulk,
                FakeRun.Values.values()[pick[5]], FakeRun.Censoring.values()[pick[6]], BOOLEANS.get(pick[7]),
                BOOLEANS.get(pick[8]), FakeRun.Failures.values()[pick[9]]);
    }

    private void renders(FakeRun.Shape shape) throws Exception {
        Path work = Files.createTempDirectory(dir, "shape");
        Path run = FakeRun.record(work, shape);

        String html = Files.readString(run.resolve("report.html"));
        assertThat(html).contains("<h2>Points", "<h2>Results", "</html>").doesNotContain("this chart failed", "drawing failed");
        if (shape.repetitions() == 1 && shape.bulk() && shape.failures() == FakeRun.Failures.NONE) {
            assertThat(html).contains("no CI: n = 1");
        }
        if (shape.failures() == FakeRun.Failures.ALL) {
            assertThat(html).contains("No point produced measurements");
        }
        if (shape.censoring() == FakeRun.Censoring.ALL && shape.failures() != FakeRun.Failures.ALL && !shape.sizes().isEmpty()) {
            assertThat(html).contains("&gt; 20.000 s");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> charts = Files.list(run.resolve("charts"))) {
            charts.forEach(files::add);
        }
        for (Path file : files) {
            if (file.toString().endsWith(".png")) {
                assertThat(ImageIO.read(file.toFile())).as(file.toString()).isNotNull();
            } else {
                Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
                assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
            }
        }
    }

    @Test
    void theRangeOfZeroLengthOfIssue13IsDrawn() throws Exception {
        // One flow size, split only: the flow-size axis once had the range [1e7, 1e7] and crashed the report.
        Path run = FakeRun.record(dir, new FakeRun.Shape(1, List.of("split"), 1, List.of(10_000_000L), false,
                FakeRun.Values.EQUAL, FakeRun.Censoring.NONE, false, false, FakeRun.Failures.NONE));

        assertThat(ReportTest.chartNames(run)).contains("flow-completion-v01");
    }
}
