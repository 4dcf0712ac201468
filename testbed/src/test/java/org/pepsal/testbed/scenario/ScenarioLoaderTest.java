package org.pepsal.testbed.scenario;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.link.LossModel;
import org.pepsal.testbed.link.QueueLimit;
import org.pepsal.testbed.topology.SatelliteTopology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScenarioLoaderTest {
    private static final String MINIMAL = """
            name: tiny
            link:
              down: {rate: 20 Mbit/s, delay: 300 ms}
            workload:
              bulk: {duration: 5 s}
            """;

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("scenario.yaml"), yaml);
    }

    private ScenarioException rejected(String yaml, String... overrides) throws IOException {
        Path file = write(yaml);
        return (ScenarioException) org.assertj.core.api.Assertions.catchThrowable(() -> ScenarioLoader.load(file, List.of(overrides)));
    }

    @Test
    void minimalFileGetsTheDocumentedDefaults() throws Exception {
        Scenario scenario = ScenarioLoader.load(write(MINIMAL)).scenario();

        assertThat(scenario.modes()).containsExactly(Mode.PLAIN, Mode.SPLIT);
        assertThat(scenario.repetitions()).isEqualTo(6);
        assertThat(scenario.topology().shape()).isEqualTo(SatelliteTopology.Shape.SINGLE_PEP);
        assertThat(scenario.link().aToB().rateBitsPerSecond()).isEqualTo(20_000_000);
        assertThat(scenario.link().bToA()).isEqualTo(scenario.link().aToB());
        assertThat(scenario.workload().kind()).isEqualTo(Scenario.Workload.Kind.BULK);
        assertThat(scenario.calibration().enabled()).isTrue();
        assertThat(scenario.hosts().forRole("server").bufferMaxBytes()).isEqualTo(64L << 20);
        assertThat(scenario.topology().terrestrial()).isEqualTo(SatelliteTopology.DEFAULT_TERRESTRIAL);
        assertThat(scenario.topology().emulateTerrestrial()).isFalse();
        assertThat(scenario.topology().terrestrialBackend(null).backend().name()).isEqualTo("veth");
    }

    @Test
    void theTerrestrialHopIsEmulatedWhenAskedOrWhenItAsksForDelay() throws Exception {
        Scenario asked = ScenarioLoader.load(write(MINIMAL + "topology: {emulateTerrestrial: true}\n")).scenario();
        Scenario delayed = ScenarioLoader.load(write(MINIMAL
                + "topology: {terrestrial: {down: {rate: 1 Gbit/s, delay: 5 ms}}}\n")).scenario();
        Scenario rateOnly = ScenarioLoader.load(write(MINIMAL
                + "topology: {terrestrial: {down: {rate: 100 Mbit/s, delay: 0 ms}}}\n")).scenario();
        org.pepsal.testbed.link.LinkBackend emulator = new org.pepsal.testbed.link.UserspaceBackend();

        assertThat(asked.topology().terrestrialBackend(emulator).backend()).isSameAs(emulator);
        assertThat(asked.topology().terrestrialBackend(emulator).reason()).contains("the scenario asks for emulation");
        assertThat(delayed.topology().terrestrialBackend(emulator).backend()).isSameAs(emulator);
        assertThat(delayed.topology().terrestrialBackend(emulator).reason()).contains("a delay of 5.0 ms");
        assertThat(rateOnly.topology().terrestrialBackend(emulator).backend().name()).isEqualTo("veth");
        assertThat(rejected(MINIMAL + "topology: {emulateTerrestrial: sometimes}\n").getMessage())
                .contains("topology.emulateTerrestrial");
    }

    @Test
    void upListsOnlyWhatDiffersFromDownAndScheduleStepsChangeTheStepBefore() throws Exception {
        Scenario scenario = ScenarioLoader.load(write("""
                name: layered
                link:
                  preset: geo
                  down: {loss: 1 %, queue: 500 packets}
                  schedule:
                    - {at: 15 s, down: {delay: 30 ms}}
                    - {at: 30 s, up: {rate: 1 Mbit/s}}
                workload: {flows: {sizes: [10 KB, 1 MB]}}
                """)).scenario();

        var link = scenario.link();
        assertThat(link.aToB().rateBitsPerSecond()).isEqualTo(20_000_000);
        assertThat(link.bToA().rateBitsPerSecond()).isEqualTo(5_000_000);
        assertThat(link.bToA().loss()).isEqualTo(new LossModel.Bernoulli(0.01));
        assertThat(link.aToB().queueLimit()).isEqualTo(QueueLimit.packets(500));
        var first = link.schedule().steps().get(0);
        assertThat(first.aToB().delay()).isEqualTo(Duration.ofMillis(30));
        assertThat(first.bToA().delay()).isEqualTo(Duration.ofMillis(30));
        assertThat(first.bToA().rateBitsPerSecond()).isEqualTo(5_000_000);
        var second = link.schedule().steps().get(1);
        assertThat(second.aToB().delay()).isEqualTo(Duration.ofMillis(30));
        assertThat(second.bToA().rateBitsPerSecond()).isEqualTo(1_000_000);
        assertThat(scenario.workload().flows().sizesBytes()).containsExactly(10_000L, 1_000_000L);
    }

    @Test
    void unknownKeyIsNamedWithItsLineAndColumn() throws Exception {
        ScenarioException e = rejected("""
                name: tiny
                link:
                  down: {rate: 20 Mbit/s, delay: 300 ms}
                  donw: {rate: 5 Mbit/s}
                workload:
                  bulk: {duration: 5 s}
                """);

        assertThat(e.origin()).endsWith("scenario.yaml");
        assertThat(e.field()).isEqualTo("link.donw");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo(3);
        assertThat(e.problem()).contains("unknown field 'donw'");
        assertThat(e.getMessage()).contains("scenario.yaml:4:3: link.donw:");
    }

    @Test
    void wrongTypeIsNamedWithItsLineAndColumn() throws Exception {
        ScenarioException e = rejected(MINIMAL + "repetitions: three\n");

        assertThat(e.field()).isEqualTo("repetitions");
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.column()).isEqualTo(14);
        assertThat(e.problem()).contains("whole number");
    }

    @Test
    void negativeDelayIsRejected() throws Exception {
        ScenarioException e = rejected(MINIMAL.replace("delay: 300 ms", "delay: -5 ms"));

        assertThat(e.field()).isEqualTo("link.down.delay");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(34);
        assertThat(e.problem()).contains("must not be negative");
    }

    @Test
    void lossAboveOneIsRejected() throws Exception {
        ScenarioException e = rejected(MINIMAL.replace("delay: 300 ms}", "delay: 300 ms, loss: 1.5}"));

        assertThat(e.field()).isEqualTo("link.down.loss");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).contains("within [0, 1]");
    }

    @Test
    void zeroRateIsRejected() throws Exception {
        ScenarioException e = rejected(MINIMAL.replace("rate: 20 Mbit/s", "rate: 0 Mbit/s"));

        assertThat(e.field()).isEqualTo("link.down.rate");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(16);
        assertThat(e.problem()).contains("must be positive");
    }

    @Test
    void durationWithoutUnitIsRejected() throws Exception {
        ScenarioException e = rejected(MINIMAL.replace("duration: 5 s", "duration: 5"));

        assertThat(e.field()).isEqualTo("workload.bulk.duration");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.problem()).contains("with a unit");
    }

    @Test
    void missingRequiredFieldPointsAtItsParent() throws Exception {
        ScenarioException e = rejected("""
                name: tiny
                link:
                  down: {rate: 20 Mbit/s}
                workload:
                  bulk: {duration: 5 s}
                """);

        assertThat(e.field()).isEqualTo("link.down.delay");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).contains("missing");
    }

    @Test
    void duplicateKeyAndBrokenYamlAreLocated() throws Exception {
        ScenarioException duplicate = rejected(MINIMAL + "name: again\n");
        assertThat(duplicate.line()).isEqualTo(6);
        assertThat(duplicate.problem()).contains("Duplicate field 'name'");

        ScenarioException broken = rejected("name: tiny\nlink: [unclosed\n");
        assertThat(broken.line()).isGreaterThan(0);
        assertThat(broken.problem()).startsWith("not valid YAML");
    }

    @Test
    void setOverridesAFieldAndItsErrorsNameTheOption() throws Exception {
        Path file = write(MINIMAL);

        LoadedScenario loaded = ScenarioLoader.load(file, List.of("link.down.loss=2 %", "repetitions=5",
                "modes=[split]", "hosts.server.sysctls.net.ipv4.tcp_ecn=1"));
        assertThat(loaded.scenario().link().aToB().loss()).isEqualTo(new LossModel.Bernoulli(0.02));
        assertThat(loaded.scenario().repetitions()).isEqualTo(5);
        assertThat(loaded.scenario().modes()).containsExactly(Mode.SPLIT);
        assertThat(loaded.scenario().hosts().forRole("server").sysctls()).containsEntry("net.ipv4.tcp_ecn", "1");

        ScenarioException e = rejected(MINIMAL, "link.down.delay=-1 ms");
        assertThat(e.origin()).isEqualTo("--set link.down.delay=-1 ms");
        assertThat(e.field()).isEqualTo("link.down.delay");
        assertThat(e.line()).isZero();

        ScenarioException unknown = rejected(MINIMAL, "workload.bulk.streamz=2");
        assertThat(unknown.field()).isEqualTo("workload.bulk.streamz");
        assertThat(unknown.origin()).startsWith("--set");

        ScenarioException malformed = rejected(MINIMAL, "repetitions");
        assertThat(malformed.problem()).contains("path=value");
    }

    @Test
    void sweepExpandsToEveryCombinationInASeededOrder() throws Exception {
        Path file = write(MINIMAL + """
                repetitions: 2
                seed: 7
                sweep:
                  link.down.loss: [0, 1 %, 2 %]
                  workload.bulk.streams: [1, 4]
                """);

        LoadedScenario loaded = ScenarioLoader.load(file);
        assertThat(loaded.variants()).hasSize(6);
        assertThat(loaded.variants().get(5).parameterText()).containsEntry("link.down.loss", "2 %")
                .containsEntry("workload.bulk.streams", "4");
        assertThat(loaded.variants().get(5).scenario().workload().bulk().streams()).isEqualTo(4);
        assertThat(loaded.variants().get(5).document().has("sweep")).isFalse();

        List<Point> points = loaded.points();
        assertThat(points).hasSize(6 * 2 * 2);
        assertThat(points.stream().map(Point::id).distinct()).hasSize(24);
        assertThat(ScenarioLoader.load(file).points().stream().map(Point::id).toList())
                .isEqualTo(points.stream().map(Point::id).toList());
        assertThat(ScenarioLoader.load(file, List.of("seed=8")).points().stream().map(Point::id).toList())
                .isNotEqualTo(points.stream().map(Point::id).toList());
    }

    @Test
    void badSweptValueIsLocatedAtTheValueInTheSweep() throws Exception {
        ScenarioException e = rejected(MINIMAL + """
                sweep:
                  link.down.loss: [0, 1 %, 150 %]
                """);

        assertThat(e.field()).isEqualTo("link.down.loss");
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.column()).isEqualTo(28);
        assertThat(e.problem()).contains("within [0, 1]").contains("swept value");
    }

    @Test
    void repetitionsDifferInTheirLinkSeedButModesOfOneRepetitionShareIt() throws Exception {
        List<Point> points = ScenarioLoader.load(write(MINIMAL)).points();
        Point plain1 = find(points, "v01-plain-r1");
        Point split1 = find(points, "v01-split-r1");
        Point plain2 = find(points, "v01-plain-r2");

        assertThat(plain1.satelliteLink().seed()).isEqualTo(split1.satelliteLink().seed());
        assertThat(plain1.satelliteLink().seed()).isNotEqualTo(plain2.satelliteLink().seed());
    }

    @Test
    void pepArgumentsFollowWhichLegFacesTheSatellite() throws Exception {
        Scenario scenario = ScenarioLoader.load(write(MINIMAL + """
                pep:
                  satelliteLeg: {congestionControl: bbr, sendBuffer: 4 MiB}
                  groundLeg: {congestionControl: cubic}
                  splice: true
                  options: [--quickack]
                """)).scenario();

        assertThat(scenario.pep().arguments(true)).containsExactly("--client-cc", "bbr", "--client-sndbuf", "4194304",
                "--server-cc", "cubic", "--splice", "--quickack");
        assertThat(scenario.pep().arguments(false)).startsWith("--client-cc", "cubic", "--server-cc", "bbr");
    }

    @Test
    void aModeDefinedInPlaceSetsItsFieldsOnItsPointsOnly() throws Exception {
        LoadedScenario loaded = ScenarioLoader.load(write(MINIMAL + """
                hosts:
                  all: {congestionControl: cubic}
                modes:
                  - plain
                  - split
                  - {name: server-bbr, description: no PEP; the server runs BBR, pep: false,
                     set: {hosts.server.congestionControl: bbr}}
                repetitions: 1
                """));

        assertThat(loaded.scenario().modes()).extracting(Mode::name).containsExactly("plain", "split", "server-bbr");
        Point bbr = find(loaded.points(), "v01-server-bbr-r1");
        assertThat(bbr.mode().runsPeps()).isFalse();
        assertThat(bbr.scenario().hosts().forRole("server").congestionControl()).isEqualTo("bbr");
        assertThat(find(loaded.points(), "v01-plain-r1").scenario().hosts().forRole("server").congestionControl())
                .isEqualTo("cubic");
        // Same repetition, same loss pattern: the paired comparison holds for every mode.
        assertThat(bbr.satelliteLink().seed()).isEqualTo(find(loaded.points(), "v01-plain-r1").satelliteLink().seed());
    }

    @Test
    void aModesBadValueOrFixedFieldIsLocatedInItsSetEntry() throws Exception {
        ScenarioException bad = rejected(MINIMAL + """
                modes:
                  - plain
                  - {name: tiny-buffer, pep: false, set: {hosts.server.bufferMax: 1 KB}}
                """);
        assertThat(bad.field()).isEqualTo("hosts.server.bufferMax");
        assertThat(bad.line()).isEqualTo(8);
        assertThat(bad.problem()).contains("at least 64 KiB", "set by mode tiny-buffer");

        ScenarioException fixed = rejected(MINIMAL + """
                modes: [{name: more, pep: true, set: {repetitions: 9}}]
                """);
        assertThat(fixed.field()).isEqualTo("modes[0].set.repetitions");
        assertThat(fixed.problem()).contains("cannot set repetitions");

        ScenarioException unknown = rejected(MINIMAL + "modes: [plain, spilt]\n");
        assertThat(unknown.field()).isEqualTo("modes[1]");
        assertThat(unknown.problem()).contains("unknown mode 'spilt'", "plain, split");
    }

    @Test
    void theKnobsThatDecideGeoResultsBecomeSysctlsRoutesQueuesAndTransfers() throws Exception {
        Scenario scenario = ScenarioLoader.load(write("""
                name: knobs
                link:
                  down: {rate: 20 Mbit/s, delay: 300 ms, queue: 0.5 BDP}
                  up: {rate: 5 Mbit/s, queue: 200 % BDP}
                hosts:
                  all: {rmemDefault: 256 KiB, ecn: on}
                  server: {initcwnd: 32, initrwnd: 64, wmemDefault: 1 MiB, bufferMax: 32 MiB}
                workload:
                  bulk: {size: 10 MB, timeout: 90 s, omit: 2 s}
                """)).scenario();

        // 0.5 × 20 Mbit/s × 600 ms = 750 kB; 2 × 5 Mbit/s × 600 ms = 750 kB.
        assertThat(scenario.link().aToB().queueLimit()).isEqualTo(QueueLimit.bytes(750_000));
        assertThat(scenario.link().bToA().queueLimit()).isEqualTo(QueueLimit.bytes(750_000));
        assertThat(scenario.hosts().forRole("client").sysctls()).containsEntry("net.ipv4.tcp_ecn", "1")
                .containsEntry("net.ipv4.tcp_rmem", "4096 262144 67108864")
                .containsEntry("net.ipv4.tcp_wmem", "4096 16384 67108864");
        assertThat(scenario.hosts().forRole("server").sysctls()).containsEntry("net.ipv4.tcp_wmem", "4096 1048576 33554432")
                .containsEntry("net.ipv4.tcp_rmem", "4096 262144 33554432");
        assertThat(scenario.hosts().routesOf("server")).isEqualTo(new Scenario.RouteWindows(32, 64));
        assertThat(scenario.hosts().routesOf("client").isDefault()).isTrue();
        Scenario.Bulk bulk = scenario.workload().bulk();
        assertThat(bulk.fixedSize()).isTrue();
        assertThat(bulk.sizeBytes()).isEqualTo(10_000_000);
        assertThat(bulk.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(bulk.transfer(null).omitSeconds()).isEqualTo(2);
    }

    @Test
    void badKnobsAreLocated() throws Exception {
        ScenarioException queue = rejected(MINIMAL.replace("delay: 300 ms}", "delay: 300 ms, queue: half BDP}"));
        assertThat(queue.field()).isEqualTo("link.down.queue");
        assertThat(queue.line()).isEqualTo(3);
        assertThat(queue.problem()).contains("fraction of the BDP");

        ScenarioException ecn = rejected(MINIMAL + "hosts: {server: {ecn: maybe}}\n");
        assertThat(ecn.field()).isEqualTo("hosts.server.ecn");
        assertThat(ecn.problem()).contains("off", "on", "passive");

        ScenarioException both = rejected(MINIMAL.replace("bulk: {duration: 5 s}", "bulk: {duration: 5 s, size: 1 MB}"));
        assertThat(both.field()).isEqualTo("workload.bulk.size");
        assertThat(both.line()).isEqualTo(5);
        assertThat(both.problem()).contains("not both");

        ScenarioException window = rejected(MINIMAL + "hosts: {gateway: {initcwnd: 0}}\n");
        assertThat(window.field()).isEqualTo("hosts.gateway.initcwnd");

        ScenarioException omit = rejected(MINIMAL.replace("bulk: {duration: 5 s}", "bulk: {duration: 5 s, omit: 5 s}"));
        assertThat(omit.field()).isEqualTo("workload.bulk.omit");
    }

    private static Point find(List<Point> points, String id) {
        return points.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }
}
