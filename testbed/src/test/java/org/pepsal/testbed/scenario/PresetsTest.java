package org.pepsal.testbed.scenario;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PresetsTest {
    @Test
    void everyPresetNamedInIssue4IsValidAndNamedAfterItsFile() throws Exception {
        Path folder = Presets.folder().orElseThrow();
        List<Path> files = Presets.files(folder);

        assertThat(files).extracting(f -> f.getFileName().toString()).contains("quick-geo.yaml", "geo-loss-sweep.yaml",
                "geo-vsat-asymmetric.yaml", "geo-short-flows.yaml", "leo-starlink.yaml", "distributed-pep.yaml");
        for (Path file : files) {
            LoadedScenario loaded = ScenarioLoader.load(file);
            assertThat(file.getFileName().toString()).isEqualTo(loaded.scenario().name() + ".yaml");
            assertThat(loaded.scenario().description()).isNotBlank();
        }
    }

    @Test
    void headlineSweepIsTheIssuesExperiment() throws Exception {
        LoadedScenario sweep = ScenarioLoader.load(Presets.resolve("geo-loss-sweep"));

        assertThat(sweep.variants()).extracting(v -> v.scenario().link().aToB().loss().meanLoss())
                .containsExactly(0.0, 0.001, 0.005, 0.01, 0.02);
        Scenario scenario = sweep.scenario();
        assertThat(scenario.link().aToB().rateBitsPerSecond()).isEqualTo(20_000_000);
        assertThat(scenario.link().aToB().delay().toMillis()).isEqualTo(300);
        assertThat(scenario.hosts().forRole("server").congestionControl()).isEqualTo("cubic");
        assertThat(scenario.pep().satelliteLeg().congestionControl()).isEqualTo("bbr");
        assertThat(scenario.workload().bulk().direction()).isEqualTo(Scenario.Direction.DOWNLOAD);
    }

    @Test
    void leoPresetStepsEveryFifteenSeconds() throws Exception {
        Scenario leo = ScenarioLoader.load(Presets.resolve("leo-starlink")).scenario();

        assertThat(leo.link().schedule().steps()).extracting(step -> step.at().toSeconds())
                .containsExactly(15L, 30L, 45L, 60L, 75L);
        assertThat(leo.link().bToA().rateBitsPerSecond()).isEqualTo(18_000_000);
    }
}
