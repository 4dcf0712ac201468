package org.pepsal.testbed.measure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.link.LinkStats;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.ScenarioLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Plain TCP's goodput against the model of its sender's congestion control. */
class ModelMeasuresTest {
    @TempDir
    Path dir;

    @Test
    void cubicsResponseFunctionAtGeoDelayAndItsRenoFriendlyFloorAtShortOnes() {
        // RFC 8312 §5.1 at p = 1 %, RTT 600 ms: 1.054 · 60^¾ = 22.7 segments a round trip.
        assertThat(ResponseFunctions.cubic(1448, 0.6, 0.01)).isCloseTo(22.72 * 1448 * 8 / 0.6, within(500.0));
        // At 20 ms CUBIC's own region would give 1.8 segments; the Reno-friendly region holds 1.22/√p = 12.2.
        assertThat(ResponseFunctions.cubic(1448, 0.02, 0.01)).isCloseTo(12.247 * 1448 * 8 / 0.02, within(2000.0));
        assertThat(ResponseFunctions.mathis(1448, 0.6, 0.01)).isCloseTo(12.2 * 1448 * 8 / 0.6, within(1.0));
        assertThat(ResponseFunctions.of("bbr")).isEmpty();
        assertThat(ResponseFunctions.of("reno")).contains(ResponseFunctions.Model.RENO);
    }

    @Test
    void plainCubicGetsItsModelAndTheRatioOfWhatItMeasured() throws Exception {
        List<Point> points = MeasureFixture.points(dir, "");
        Point plain = MeasureFixture.point(points, "v01-plain-r1");
        LinkFigures links = links(plain);
        double model = ResponseFunctions.cubic(links.mss(), links.baseRttSeconds(), 0.01);

        List<Measurement> rows = ModelMeasures.of(plain, links, rows(plain, "cubic", model * 1.1), Optional.empty()).rows();

        assertThat(rows).extracting(Measurement::metric)
                .containsExactly(Metrics.RESPONSE_FUNCTION, Metrics.GOODPUT_TO_RESPONSE_FUNCTION);
        assertThat(rows.get(0).value()).isEqualTo(model);
        assertThat(rows.get(0).state()).isEqualTo("cubic");
        assertThat(rows.get(0).note()).contains("RFC 8312", "p = 0.01", "MSS 1448 B");
        assertThat(rows.get(1).value()).isCloseTo(1.1, within(1e-9));
        assertThat(rows.get(1).note()).contains("cold start");
    }

    @Test
    void renoGetsTheMathisBoundAndAnOmittedStartUpIsSaid() throws Exception {
        Path file = Files.writeString(dir.resolve("omit.yaml"), """
                name: omit
                link: {down: {rate: 20 Mbit/s, delay: 300 ms, loss: 1 %}, up: {rate: 5 Mbit/s}}
                hosts: {all: {congestionControl: reno}}
                workload: {bulk: {duration: 30 s, omit: 20 s}}
                repetitions: 1
                """);
        Point plain = MeasureFixture.point(ScenarioLoader.load(file).points(), "v01-plain-r1");
        LinkFigures links = links(plain);

        List<Measurement> rows = ModelMeasures.of(plain, links, rows(plain, "reno", 1e5), Optional.of(stats(20_000, 150))).rows();

        assertThat(rows.get(0).state()).isEqualTo("reno");
        assertThat(rows.get(0).value()).isEqualTo(ResponseFunctions.mathis(links.mss(), links.baseRttSeconds(), 0.01));
        assertThat(rows.get(0).note()).contains("Mathis");
        assertThat(rows.get(1).note()).contains("after the first 20 s");
        // 150 of 20,000 packets lost: the model at p = 0.75 %, and the ratio to it.
        assertThat(rows).extracting(Measurement::metric).containsExactly(Metrics.RESPONSE_FUNCTION,
                Metrics.GOODPUT_TO_RESPONSE_FUNCTION, Metrics.RESPONSE_FUNCTION_AT_DEALT_LOSS,
                Metrics.GOODPUT_TO_RESPONSE_FUNCTION_AT_DEALT_LOSS);
        double atDealt = ResponseFunctions.mathis(links.mss(), links.baseRttSeconds(), 0.0075);
        assertThat(rows.get(2).value()).isEqualTo(atDealt);
        assertThat(rows.get(2).note()).contains("p = 0.00750");
        assertThat(rows.get(3).value()).isCloseTo(1e5 / atDealt, within(1e-9));
    }

    @Test
    void noModelForTheSplitOrForBbrOrForMixedControls() throws Exception {
        List<Point> points = MeasureFixture.points(dir, "");
        Point plain = MeasureFixture.point(points, "v01-plain-r1");
        Point split = MeasureFixture.point(points, "v01-split-r1");

        assertThat(ModelMeasures.of(split, links(split), rows(split, "cubic", 1e6), Optional.of(stats(1000, 10))).rows()).isEmpty();
        assertThat(ModelMeasures.of(plain, links(plain), rows(plain, "bbr", 1e6), Optional.of(stats(1000, 10))).rows()).isEmpty();
        List<Measurement> mixed = new ArrayList<>(rows(plain, "cubic", 1e6));
        mixed.add(Measurement.of(plain, Legs.END_TO_END, Metrics.CONGESTION_CONTROL, 1, Metrics.COUNT).withState("reno"));
        assertThat(ModelMeasures.of(plain, links(plain), mixed, Optional.empty()).rows()).isEmpty();
    }

    /** Statistics of a link whose down direction got {@code received} packets and lost {@code lost} of them. */
    private static LinkStats stats(long received, long lost) {
        LinkStats.Direction down = new LinkStats.Direction(received, 3, lost, 0, 0, received - lost - 3, 0, 0,
                0.03, 0.1, 0.2, 0.5);
        LinkStats.Direction up = new LinkStats.Direction(received / 2, 0, 1, 0, 0, received / 2 - 1, 0, 0,
                0.03, 0.1, 0.2, 0.5);
        return new LinkStats(down, up);
    }

    private static LinkFigures links(Point point) {
        return new LinkFigures(point.satelliteLink(), point.scenario().topology().terrestrial(), true);
    }

    private static List<Measurement> rows(Point point, String congestionControl, double goodput) {
        return List.of(Measurement.of(point, Legs.END_TO_END, Metrics.GOODPUT, goodput, Metrics.BITS_PER_SECOND)
                        .withState("completed"),
                Measurement.of(point, Legs.END_TO_END, Metrics.CONGESTION_CONTROL, 1, Metrics.COUNT)
                        .withState(congestionControl));
    }
}
