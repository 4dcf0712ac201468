package org.pepsal.testbed.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.measure.Legs;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;
import org.pepsal.testbed.measure.Sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A run made of invented tool output, measured and recorded as the runner does, then rendered. */
class ReportTest {
    private static final FakeRun.Shape SWEEP = new FakeRun.Shape(2, List.of("plain", "split"), 6, List.of(10_000L, 1_000_000L),
            true, FakeRun.Values.NORMAL, FakeRun.Censoring.SOME, false, false, FakeRun.Failures.SOME);

    @TempDir
    Path dir;

    @Test
    void everyRowNamesItsLegAndEveryPointHasItsLinkStatisticsAndStatus() throws Exception {
        Path run = FakeRun.record(dir, SWEEP);

        List<String> header = List.of(Files.readAllLines(run.resolve("results.csv")).get(0).split(","));
        assertThat(header).containsExactly("variant", "link.down.loss", "flow.size", "flow.round", "stream", "mode", "repetition",
                "leg", "metric", "bound", "value", "unit", "state", "note");
        List<Measurement> rows = ResultsCsv.readResults(run.resolve("results.csv"));
        Set<String> legs = rows.stream().map(Measurement::leg).collect(Collectors.toSet());
        assertThat(legs).containsExactlyInAnyOrder(Legs.END_TO_END, Legs.SATELLITE, Legs.TERRESTRIAL, Legs.POINT,
                "satellite-link.down", "satellite-link.up", "terrestrial-link.down", "terrestrial-link.up");
        // The same metric on different legs: split's retransmissions are per leg, plain's end to end.
        assertThat(rows).anyMatch(m -> m.metric().equals(Metrics.RETRANSMISSION_RATE) && m.mode().equals("split")
                && m.leg().equals(Legs.SATELLITE));
        assertThat(rows).noneMatch(m -> m.metric().equals(Metrics.RETRANSMISSION_RATE) && m.mode().equals("plain")
                && !m.leg().equals(Legs.END_TO_END));
        Set<String> ok = rows.stream().filter(m -> m.metric().equals(Metrics.POINT_STATUS) && m.state().equals("ok"))
                .map(ReportData::pointKey).collect(Collectors.toSet());
        assertThat(ok).isNotEmpty();
        for (String point : ok) {
            for (String leg : List.of("satellite-link.down", "satellite-link.up")) {
                assertThat(rows).as(point + " " + leg).anyMatch(m -> ReportData.pointKey(m).equals(point)
                        && m.leg().equals(leg) && m.metric().equals("link_lateness_p999"));
                assertThat(rows).anyMatch(m -> ReportData.pointKey(m).equals(point) && m.leg().equals(leg)
                        && m.metric().equals(Metrics.LINK_HEALTH));
            }
        }
        assertThat(rows).anyMatch(m -> m.metric().equals(Metrics.POINT_STATUS) && m.state().equals("failed")
                && m.note().contains("OUT OF TOLERANCE"));
        // A timed-out flow is a lower bound with its state, not a missing value.
        assertThat(rows).anyMatch(m -> m.metric().equals(Metrics.FLOW_COMPLETION_TIME) && m.censored()
                && m.state().equals("timed-out") && m.value() == 20);
        List<Sample> series = ResultsCsv.readTimeseries(run.resolve("timeseries.csv"));
        assertThat(series).anyMatch(s -> s.measurement().metric().equals(Metrics.CWND)
                && s.measurement().leg().equals(Legs.SATELLITE) && s.measurement().mode().equals("split"));
        assertThat(series).anyMatch(s -> s.measurement().metric().equals(Metrics.CWND)
                && s.measurement().leg().equals(Legs.END_TO_END) && s.measurement().mode().equals("plain"));
    }

    @Test
    void reportShowsStatisticsPairsModelsAndFailures() throws Exception {
        Path run = FakeRun.record(dir, SWEEP);
        String html = Files.readString(run.resolve("report.html"));

        assertThat(chartNames(run)).contains("goodput-plain-vs-split", "goodput-after-startup", "goodput-vs-loss",
                "goodput-over-time-v01", "sender-v02", "flow-completion-v02");
        assertThat(html).contains("<svg", "invented numbers", "Paired comparison with plain", "split / plain",
                "Mathis bound", "CUBIC", "Congestion control in use", "bbr", "Link health", "flagged",
                "order statistics", "timed out or failed", "failed", "OUT OF TOLERANCE", "Method");
        assertThat(html).doesNotContain("this chart failed", "drawing failed");
        // Beside the measurements, their references: the limits per flow size, how the streams shared, the loss.
        assertThat(html).contains("Flow completion time against its limits", "median / physical limit",
                "the limit the client's receive window sets", "How the streams shared the link",
                "Jain's index", "Loss on the satellite leg", "configured loss", "tcp_rmem max 6291456 B",
                "Plain TCP against its response function", "median goodput / model", "from a cold start");
        assertThat(html).contains("dashed grey: the physical limit", "dashed red: the limit the client's receive window");
        RunMetadata metadata = RunMetadata.read(run.resolve("metadata.json"));
        assertThat(metadata.order()).hasSize(2 * 2 * 6);
        assertThat(metadata.points()).hasSize(24).allMatch(p -> p.started() != null && p.ended() != null);
        assertThat(metadata.points()).anyMatch(p -> p.status().equals("failed") && p.reason().startsWith("calibration"));
        assertThat(metadata.modes()).extracting(m -> m.name()).containsExactly("plain", "split");
    }

    @Test
    void aPointWhoseLinkWasUnhealthyIsFlaggedBesideItsVariantAndMode() throws Exception {
        Path run = FakeRun.record(dir, SWEEP);
        List<Measurement> rows = ResultsCsv.readResults(run.resolve("results.csv"));
        String html = Files.readString(run.resolve("report.html"));

        // Every point that measured has one verdict on its link; some of FakeRun's links overflowed their TUN ring.
        Set<String> measured = rows.stream().filter(m -> m.metric().equals(Metrics.LINK_HEALTH))
                .map(ReportData::pointKey).collect(Collectors.toSet());
        assertThat(rows.stream().filter(m -> m.metric().equals(Metrics.POINT_HEALTH)).map(ReportData::pointKey).toList())
                .containsExactlyInAnyOrderElementsOf(measured);
        Measurement overflowed = rows.stream().filter(m -> m.metric().equals(Metrics.POINT_HEALTH)
                && m.state().equals("flagged") && m.note().contains("link_tun_overflows 4")).findFirst().orElseThrow();
        assertThat(overflowed.leg()).isEqualTo(Legs.POINT);
        assertThat(overflowed.note()).startsWith("satellite-link.down: ");
        assertThat(rows).anyMatch(m -> m.metric().equals(Metrics.POINT_HEALTH) && m.state().equals("ok"));

        // The points section names it with why; the results table marks its repetition beside its variant and mode.
        assertThat(html).contains("point(s) flagged", "<th>why flagged</th>",
                "<td class=t>" + ReportData.pointKey(overflowed) + "</td>", "<th>link health</th>");
        ReportData data = new ReportData(rows, List.of(), Optional.empty());
        String label = data.label(overflowed.variant());
        assertThat(html).contains("<td class=t>" + label + "</td><td class=t>" + overflowed.mode() + "</td><td class=t>flagged: ");
        assertThat(data.flaggedRepetitions(overflowed.variant(), overflowed.mode())).contains(overflowed.repetition());
    }

    @Test
    void reportRendersAgainFromResultsCsvAlone() throws Exception {
        Path run = FakeRun.record(dir, SWEEP);
        Path alone = Files.createDirectories(dir.resolve("alone"));
        Files.copy(run.resolve("results.csv"), alone.resolve("results.csv"));

        Path html = Report.render(alone);

        assertThat(Files.readString(html)).contains("results.csv alone", "<svg", "Mathis bound", "Paired comparison");
        assertThat(chartNames(alone)).contains("goodput-plain-vs-split", "goodput-vs-loss", "flow-completion-v01");
    }

    static List<String> chartNames(Path run) throws Exception {
        try (Stream<Path> files = Files.list(run.resolve("charts"))) {
            return files.map(p -> p.getFileName().toString().replaceAll("\\.(png|svg)$", "")).distinct().toList();
        }
    }
}
