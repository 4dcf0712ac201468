package org.pepsal.testbed.cli;

import org.junit.jupiter.api.Test;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.link.LinkLeftovers;
import org.pepsal.testbed.topology.Topology;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run killed by SIGKILL (no shutdown hook runs) leaves its namespaces; {@code testbed clean --prefix} removes
 * them and everything else of that run. Only this run's prefix is cleaned: other runs on the machine are left alone.
 */
@NeedsRoot
class CleanCommandTest {
    @Test
    void cleanRemovesWhatASigkilledRunLeft() throws Exception {
        Process run = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KilledRunFixture.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String prefix;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).startsWith("built ");
            prefix = line.substring("built ".length());
            run.destroyForcibly();
            assertThat(run.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Topology.leftoverNamespaces()).contains(prefix + "a", prefix + "b");

        int exit = new CommandLine(new TestbedCommand()).execute("clean", "--prefix", prefix);

        assertThat(exit).isZero();
        assertThat(Topology.leftoverNamespaces()).noneMatch(name -> name.startsWith(prefix));
        assertThat(LinkLeftovers.tunDevices(prefix)).isEmpty();
        assertThat(LinkLeftovers.emulatorProcesses(prefix)).isEmpty();
        assertThat(LinkLeftovers.emulatorLogs(prefix)).isEmpty();
    }

    @Test
    void cleanRefusesAPrefixThatNoRunHas() {
        assertThat(new CommandLine(new TestbedCommand()).execute("clean", "--prefix", "x")).isEqualTo(2);
    }
}
