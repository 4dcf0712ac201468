package org.pepsal.testbed.scenario;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code workload.command}: a user's programs as a scenario's workload, and its errors located in the file. */
class CommandWorkloadFormatTest {
    private static final String HEAD = """
            name: own
            link:
              down: {rate: 20 Mbit/s, delay: 300 ms}
            workload:
            """;

    @TempDir
    Path dir;

    private Scenario load(String workload) throws Exception {
        return ScenarioLoader.load(Files.writeString(dir.resolve("own.yaml"), HEAD + workload), List.of()).scenario();
    }

    private ScenarioException rejected(String workload) throws Exception {
        Path file = Files.writeString(dir.resolve("own.yaml"), HEAD + workload);
        return catchThrowableOfType(ScenarioException.class, () -> ScenarioLoader.load(file, List.of()));
    }

    @Test
    void serverClientTimeoutAndMetricsInTheFilesOrder() throws Exception {
        Scenario scenario = load("""
                  command:
                    server: 'python3 -m http.server 8000'
                    client: 'curl -so /dev/null -w "total %{time_total}\\n" http://$TESTBED_SERVER:8000/'
                    timeout: 90 s
                    metrics:
                      total: 'total ([0-9.]+)'
                      first_byte: {regex: 'ttfb=([0-9.]+)', unit: ms}
                """);

        Scenario.Command command = scenario.workload().command();
        assertThat(scenario.workload().kind()).isEqualTo(Scenario.Workload.Kind.COMMAND);
        assertThat(scenario.workload().bulk()).isNull();
        assertThat(command.server()).isEqualTo("python3 -m http.server 8000");
        assertThat(command.client()).contains("$TESTBED_SERVER");
        assertThat(command.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(command.metrics()).extracting(Scenario.CommandMetric::name, Scenario.CommandMetric::unit)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("total", ""),
                        org.assertj.core.groups.Tuple.tuple("first_byte", "ms"));
        assertThat(command.metrics().get(0).regex().matcher("x\ntotal 0.612\n").find()).isTrue();
    }

    @Test
    void aClientAloneTakesTheDefaults() throws Exception {
        Scenario.Command command = load("  command: {client: 'ping -c 3 $TESTBED_SERVER'}\n").workload().command();

        assertThat(command.server()).isNull();
        assertThat(command.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(command.metrics()).isEmpty();
    }

    @Test
    void badFieldsAreNamedWithFileLineAndField() throws Exception {
        ScenarioException noClient = rejected("  command: {server: 'sleep 60'}\n");
        assertThat(noClient.origin()).endsWith("own.yaml");
        assertThat(noClient.field()).isEqualTo("workload.command.client");
        assertThat(noClient.line()).isEqualTo(5);
        assertThat(noClient.problem()).contains("missing");

        ScenarioException blank = rejected("  command: {client: ' '}\n");
        assertThat(blank.field()).isEqualTo("workload.command.client");
        assertThat(blank.problem()).contains("empty command line");

        ScenarioException noGroup = rejected("""
                  command:
                    client: 'true'
                    metrics: {rtt: 'rtt [0-9.]+'}
                """);
        assertThat(noGroup.field()).isEqualTo("workload.command.metrics.rtt");
        assertThat(noGroup.line()).isEqualTo(7);
        assertThat(noGroup.getMessage()).contains("own.yaml:7:").contains("needs a group around the number");

        ScenarioException badRegex = rejected("""
                  command:
                    client: 'true'
                    metrics:
                      rtt: {regex: 'rtt ([0-9.]+', unit: ms}
                """);
        assertThat(badRegex.field()).isEqualTo("workload.command.metrics.rtt.regex");
        assertThat(badRegex.line()).isEqualTo(8);
        assertThat(badRegex.problem()).startsWith("not a regular expression");

        ScenarioException badName = rejected("""
                  command:
                    client: 'true'
                    metrics: {Page-Time: 'time ([0-9.]+)'}
                """);
        assertThat(badName.field()).isEqualTo("workload.command.metrics.Page-Time");
        assertThat(badName.line()).isEqualTo(7);
        assertThat(badName.problem()).contains("lower-case letters");

        ScenarioException reserved = rejected("""
                  command:
                    client: 'true'
                    metrics: {wall_time: 'took ([0-9.]+)'}
                """);
        assertThat(reserved.field()).isEqualTo("workload.command.metrics.wall_time");
        assertThat(reserved.problem()).contains("command_wall_time");

        ScenarioException unknown = rejected("  command: {client: 'true', timout: 5 s}\n");
        assertThat(unknown.field()).isEqualTo("workload.command.timout");
        assertThat(unknown.problem()).contains("unknown field", "timeout");

        ScenarioException zero = rejected("  command: {client: 'true', timeout: 0 s}\n");
        assertThat(zero.field()).isEqualTo("workload.command.timeout");
        assertThat(zero.problem()).contains("positive");

        ScenarioException mixed = rejected("  bulk: {duration: 5 s}\n  command: {client: 'true'}\n");
        assertThat(mixed.field()).isEqualTo("workload.command");
        assertThat(mixed.line()).isEqualTo(6);
        assertThat(mixed.problem()).contains("runs alone");
    }
}
