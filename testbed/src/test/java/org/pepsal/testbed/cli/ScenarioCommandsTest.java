package org.pepsal.testbed.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ScenarioCommandsTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private int testbed(String... args) {
        return TestbedCommand.commandLine().execute(args);
    }

    @Test
    void validateCountsPointsAndHonoursSet() {
        assertThat(testbed("validate", "geo-loss-sweep", "--set", "repetitions=1")).isZero();
        assertThat(out.toString()).contains("geo-loss-sweep: valid; 5 variant(s) × 2 mode(s) × 1 repetition(s) = 10 points");
    }

    @Test
    void validateNamesFileLineColumnAndField() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), """
                name: bad
                link:
                  down: {rate: 20 Mbit/s, delay: 300 ms, loss: 2}
                workload: {bulk: {}}
                """);

        assertThat(testbed("validate", file.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("bad.yaml:3:48: link.down.loss: a probability must be within [0, 1]");
    }

    @Test
    void listShowsEveryPresetWithItsDescription() {
        assertThat(testbed("list")).isZero();
        assertThat(out.toString()).contains("quick-geo", "leo-starlink", "RTT and rate step every 15 s");
    }

    @Test
    void reportOfAFolderWithoutResultsFails() {
        assertThat(testbed("report", dir.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("no results.csv");
    }

    @Test
    void calibrateRefusesABadLinkNamingTheOptionAndTheField() {
        assertThat(testbed("calibrate", "--link", "rate: 20 Mbit/s, delay: 300 ms, loss: 2")).isEqualTo(2);
        assertThat(err.toString()).contains("--link: loss: a probability must be within [0, 1]");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void calibrateTakesAScenarioOrALinkButNotBothNorNeither() {
        assertThat(testbed("calibrate")).isEqualTo(2);
        assertThat(err.toString()).contains("give a scenario (file or preset) or --link, not neither");
        assertThat(testbed("calibrate", "quick-geo", "--link", "rate: 20 Mbit/s, delay: 300 ms")).isEqualTo(2);
        assertThat(err.toString()).contains("not both");
        assertThat(testbed("calibrate", "--link", "rate: 20 Mbit/s, delay: 300 ms", "--set", "link.down.loss=0.01"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--set and --variant change a scenario");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void calibrateOfAScenarioReportsTheScenariosOwnErrors() {
        assertThat(testbed("calibrate", "quick-geo", "--set", "link.down.delay=300")).isEqualTo(2);
        assertThat(err.toString()).contains("--set link.down.delay=300", "link.down.delay");
        assertThat(testbed("calibrate", "quick-geo", "--variant", "v09")).isEqualTo(2);
        assertThat(err.toString()).contains("--variant: quick-geo has variants [v01], not v09");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void calibratesOldBareNumberOptionsAreGone() {
        assertThat(testbed("calibrate", "--rate", "20", "--delay", "300")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option");
    }
}
