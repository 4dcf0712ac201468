package org.pepsal.testbed.measure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.Scenario;
import org.pepsal.testbed.traffic.UserCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

class CommandMeasuresTest {
    private static final Scenario.Command SPEC = new Scenario.Command(null, "fetch", Duration.ofSeconds(60),
            List.of(new Scenario.CommandMetric("page_time", Pattern.compile("time ([0-9.]+)", Pattern.MULTILINE), "s")));

    @TempDir
    Path dir;

    private Measured measured(int exit, boolean timedOut, Duration wall, String stdout, String stderr) throws Exception {
        Point point = MeasureFixture.points(dir, "").get(0);
        return CommandMeasures.of(point, SPEC, new UserCommand.Outcome(exit, timedOut, wall, stdout, stderr));
    }

    private static Measurement row(Measured measured, String metric) {
        return measured.rows().stream().filter(m -> m.metric().equals(metric)).findFirst().orElseThrow();
    }

    @Test
    void exitStatusWallTimeAndTheLastMatchOfEachMetricEndToEnd() throws Exception {
        Measured measured = measured(0, false, Duration.ofMillis(1500), "time 0.5\nsomething else\ntime 0.75\n", "");

        assertThat(measured.failures()).isEmpty();
        assertThat(measured.rows()).allMatch(m -> m.leg().equals(Legs.END_TO_END) && m.state().equals("completed")
                && !m.censored());
        assertThat(measured.rows()).extracting(Measurement::metric, Measurement::value, Measurement::unit)
                .containsExactly(
                        tuple(Metrics.COMMAND_EXIT_STATUS, 0.0, Metrics.COUNT),
                        tuple(Metrics.COMMAND_WALL_TIME, 1.5, Metrics.SECONDS),
                        tuple("command_page_time", 0.75, "s"));
    }

    @Test
    void aTimedOutCommandIsALowerBoundAndAResultNotAFailure() throws Exception {
        Measured measured = measured(143, true, Duration.ofSeconds(60), "time 0.5\n", "");

        assertThat(measured.failures()).isEmpty();
        Measurement wall = row(measured, Metrics.COMMAND_WALL_TIME);
        assertThat(wall.censored()).isTrue();
        assertThat(wall.value()).isEqualTo(60.0);
        assertThat(wall.state()).isEqualTo("timed-out");
        Measurement exit = row(measured, Metrics.COMMAND_EXIT_STATUS);
        assertThat(exit.value()).isEqualTo(143.0);
        assertThat(exit.state()).isEqualTo("timed-out");
        assertThat(exit.note()).contains("timeout of 60 s");
        // Its output was cut off: a number in it is not the program's answer.
        assertThat(measured.rows()).noneMatch(m -> m.metric().equals("command_page_time"));
    }

    @Test
    void aFailedCommandKeepsWhatItPrintedAndItsErrorInTheNote() throws Exception {
        Measured measured = measured(7, false, Duration.ofSeconds(2), "time 1.25\n", "curl: (7) Failed to connect\n");

        assertThat(measured.failures()).isEmpty();
        assertThat(row(measured, Metrics.COMMAND_EXIT_STATUS).state()).isEqualTo("failed");
        assertThat(row(measured, Metrics.COMMAND_EXIT_STATUS).note()).isEqualTo("curl: (7) Failed to connect");
        assertThat(row(measured, "command_page_time").value()).isEqualTo(1.25);
        assertThat(row(measured, "command_page_time").state()).isEqualTo("failed");
        // A failed client that printed no number is a result too.
        assertThat(measured(7, false, Duration.ofSeconds(2), "", "").failures()).isEmpty();
    }

    @Test
    void aBrokenMeasurementFailsThePoint() throws Exception {
        assertThat(measured(0, false, Duration.ofSeconds(1), "no numbers here\n", "").failures())
                .containsExactly("command: metric page_time: no match of 'time ([0-9.]+)' in the client's stdout");
        assertThat(measured(0, false, Duration.ofSeconds(1), "time 1.2.3\n", "").failures())
                .singleElement().asString().contains("'1.2.3'", "is not a number");
        assertThat(measured(127, false, Duration.ofMillis(5), "", "sh: 1: fetch: not found\n").failures())
                .singleElement().asString().contains("could not run the client (exit 127: not found): fetch",
                        "fetch: not found");
    }
}
