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
                "geo-vsat-asymmetric.yaml", "geo-short-flows.yaml", "leo-starlink.yaml", "distributed-pep.yaml",
                "geo-flows-linkaware.yaml", "geo-8flows-linkaware.yaml", "geo-plain-steady-state.yaml");
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
    void steadyStatePresetMeasuresPlainCubicAndRenoAfterTheirStartUp() throws Exception {
        LoadedScenario steady = ScenarioLoader.load(Presets.resolve("geo-plain-steady-state"));

        assertThat(steady.scenario().modes()).extracting(Mode::name).containsExactly("plain");
        assertThat(steady.variants()).extracting(v -> v.scenario().hosts().forRole("server").congestionControl())
                .containsExactly("cubic", "reno");
        Scenario.Bulk bulk = steady.scenario().workload().bulk();
        assertThat(bulk.streams()).isEqualTo(1);
        assertThat(bulk.omitSeconds()).isEqualTo(20);
        assertThat(steady.scenario().link().aToB().loss().meanLoss()).isEqualTo(0.01);
    }

    @Test
    void linkAwarePresetsCompareEveryModeAtOneAndTwoPeps() throws Exception {
        LoadedScenario flows = ScenarioLoader.load(Presets.resolve("geo-flows-linkaware"));
        assertThat(flows.scenario().modes()).extracting(Mode::name)
                .containsExactly("plain", "e2e-bbr", "split-unaware", "split");
        assertThat(flows.scenario().workload().flows().sizesBytes()).containsExactly(1_000_000L, 10_000_000L);
        assertThat(flows.variants()).hasSize(4);
        assertThat(flows.scenario().pep().linkArguments(true, flows.scenario().link()))
                .containsExactly("--satellite-side", "client", "--satellite-rate", "20000000bit/s",
                        "--satellite-receive-rate", "5000000bit/s", "--satellite-rtt", "600000us");
        assertThat(flows.scenario().pep().linkArguments(false, flows.scenario().link()))
                .containsExactly("--satellite-side", "server", "--satellite-rate", "5000000bit/s",
                        "--satellite-receive-rate", "20000000bit/s", "--satellite-rtt", "600000us");

        // The link-aware proxy chooses the satellite leg's algorithm; the PEP not told the link runs BBR.
        assertThat(flows.scenario().pep().satelliteLeg().congestionControl()).isNull();
        assertThat(flows.scenario().modes().get(2).overrides().get("pep.satelliteLeg.congestionControl").textValue())
                .isEqualTo("bbr");

        Scenario eight = ScenarioLoader.load(Presets.resolve("geo-8flows-linkaware")).scenario();
        assertThat(eight.workload().bulk().streams()).isEqualTo(8);
        assertThat(eight.modes()).extracting(Mode::name).contains("e2e-bbr", "split-unaware", "split");
        Mode unaware = eight.modes().get(2);
        assertThat(unaware.overrides().get("pep.linkAware").booleanValue()).isFalse();
        assertThat(Mode.E2E_BBR.runsPeps()).isFalse();
        assertThat(Mode.E2E_BBR.overrides().get("hosts.server.congestionControl").textValue()).isEqualTo("bbr");
    }

    @Test
    void aPepNotToldTheLinkGetsNoLinkOptions() throws Exception {
        Scenario quick = ScenarioLoader.load(Presets.resolve("quick-geo")).scenario();
        assertThat(quick.pep().linkAware()).isTrue();
        assertThat(quick.pep().satelliteLeg().congestionControl()).as("left to the link-aware proxy").isNull();
        Scenario.PepSettings unaware = new Scenario.PepSettings(quick.pep().satelliteLeg(), quick.pep().groundLeg(),
                false, java.util.List.of(), false);
        assertThat(unaware.linkArguments(true, quick.link())).isEmpty();
    }

    @Test
    void leoPresetStepsEveryFifteenSeconds() throws Exception {
        Scenario leo = ScenarioLoader.load(Presets.resolve("leo-starlink")).scenario();

        assertThat(leo.link().schedule().steps()).extracting(step -> step.at().toSeconds())
                .containsExactly(15L, 30L, 45L, 60L, 75L);
        assertThat(leo.link().bToA().rateBitsPerSecond()).isEqualTo(18_000_000);
    }
}
