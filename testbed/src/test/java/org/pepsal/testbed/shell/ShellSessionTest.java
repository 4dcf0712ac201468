package org.pepsal.testbed.shell;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pepsal.testbed.NeedsRoot;
import org.pepsal.testbed.cli.TestbedCommand;
import org.pepsal.testbed.link.LinkLeftovers;
import org.pepsal.testbed.link.UserspaceBackend;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Mode;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.ScenarioLoader;
import org.pepsal.testbed.topology.Topology;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code testbed shell}: a user's client and server on the emulated path, and nothing left after it ends. */
@NeedsRoot
class ShellSessionTest {
    private static final String SCENARIO = """
            name: shell-test
            link:
              down: {rate: 20 Mbit/s, delay: 10 ms}
              up: {rate: 10 Mbit/s}
            workload:
              bulk: {duration: 2 s}
            calibration: {enabled: false}
            """;

    @TempDir
    Path work;

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String fixture(String... args) {
        return java() + " -cp " + System.getProperty("java.class.path") + " " + PeerFixture.class.getName() + " "
                + String.join(" ", args);
    }

    @Test
    void aClientCommandReachesTheServerCommandThroughTheSplittingPep() throws Exception {
        LoadedScenario loaded = ScenarioLoader.load(Files.writeString(work.resolve("s.yaml"), SCENARIO), List.of());
        Point point = new Point(loaded.variants().get(0), Mode.SPLIT, 1);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path dir = work.resolve("session");
        String prefix;
        int exit;
        try (ShellSession shell = ShellSession.open(point, new UserspaceBackend(), false, dir,
                fixture("server", "9000"), new PrintStream(console, true))) {
            prefix = shell.topology().topology().prefix();
            // The variable is the client host's: the fixture reads it from the command line sh built.
            exit = shell.runClient(List.of("sh", "-c", fixture("client", "$TESTBED_SERVER", "9000")));
        }

        assertThat(exit).as("client's exit status").isZero();
        // TPROXY: the PEP connects to the server from the client's own address, so the server sees the client.
        assertThat(Files.readString(dir.resolve("server.log"))).contains("peer 10.200.1.2");
        // ... and the connection went through the PEP, which split it.
        assertThat(Files.readString(dir.resolve("flows-gateway.jsonl"))).contains("10.200.1.2", "9000");
        assertThat(console.toString()).contains("satellite down", "torn down " + prefix);
        assertNothingLeft(prefix);
    }

    @Test
    void sigtermTearsEverythingDown() throws Exception {
        Path file = Files.writeString(work.resolve("s.yaml"), SCENARIO);
        List<String> command = new ArrayList<>(List.of(java(), "-Dpepsal.jar=" + System.getProperty("pepsal.jar"),
                "-cp", System.getProperty("java.class.path"), TestbedCommand.class.getName(), "shell", file.toString(),
                "--out", work.resolve("session").toString(), "--server", "sleep 6133", "--", "sleep", "6134"));
        Path log = work.resolve("shell.log");
        Process shell = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String prefix = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (prefix == null && System.nanoTime() < deadline && shell.isAlive()) {
            Matcher namespace = Pattern.compile("namespace (tb[0-9a-f]+-)client").matcher(Files.readString(log));
            prefix = namespace.find() ? namespace.group(1) : null;
            Thread.sleep(100);
        }
        assertThat(prefix).as("the shell's output:\n" + Files.readString(log)).isNotNull();
        assertThat(Topology.leftoverNamespaces()).contains(prefix + "client");

        shell.destroy();

        assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(shell.exitValue()).isEqualTo(143);
        assertThat(Files.readString(log)).contains("torn down " + prefix);
        assertNothingLeft(prefix);
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(line -> line.contains("sleep 613"))).isEmpty();
    }

    private static void assertNothingLeft(String prefix) {
        assertThat(Topology.leftoverNamespaces()).noneMatch(name -> name.startsWith(prefix));
        assertThat(LinkLeftovers.tunDevices(prefix)).isEmpty();
        assertThat(LinkLeftovers.emulatorProcesses(prefix)).isEmpty();
    }
}
