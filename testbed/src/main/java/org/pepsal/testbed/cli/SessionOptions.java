package org.pepsal.testbed.cli;

import org.pepsal.testbed.link.LinkBackends;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Mode;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.Variant;
import org.pepsal.testbed.shell.ShellSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** What {@code testbed shell} and {@code testbed up} build: one point of a scenario, and an optional server. */
final class SessionOptions {
    @Mixin
    ScenarioArguments arguments;

    @Option(names = "--mode", defaultValue = "split", paramLabel = "MODE",
            description = "One of the scenario's modes: plain, split, or one it defines (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--variant", paramLabel = "ID",
            description = "Which variant of a swept scenario (v01, v02, ...; default the first); --set picks values too.")
    String variant;

    @Option(names = "--server", paramLabel = "CMD",
            description = "A command line (sh -c) started in the server host before the client's; "
                    + "$TESTBED_SERVER and $TESTBED_CLIENT hold the addresses.")
    String server;

    @Option(names = "--no-calibrate", description = "Skip measuring the link before use (quicker; trust the emulator).")
    boolean noCalibrate;

    @Option(names = "--backend", defaultValue = LinkBackends.AUTOMATIC, paramLabel = "auto|netem|userspace",
            description = "Link emulator (default: netem where the kernel has it, else userspace).")
    String backend;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Folder for the calibration table and the proxies' and server's logs "
                    + "(default: reports/<scenario>/shell-<timestamp>).")
    Path out;

    /** The session, built; null (the problem printed) when the scenario or the mode is wrong. */
    ShellSession open(PrintStream console) {
        LoadedScenario loaded = arguments.loadOrReport();
        if (loaded == null) {
            return null;
        }
        Variant chosen = ScenarioArguments.variant(loaded, variant, console);
        if (chosen == null) {
            return null;
        }
        Mode chosenMode = chosen.scenario().modes().stream().filter(m -> m.name().equals(mode)).findFirst().orElse(null);
        if (chosenMode == null) {
            console.println("--mode: " + loaded.scenario().name() + " has modes "
                    + chosen.scenario().modes().stream().map(Mode::name).toList() + ", not " + mode);
            return null;
        }
        Point point = new Point(chosen, chosenMode, 1);
        LinkBackends.Choice choice = LinkBackends.choose(backend, point.satelliteLink());
        Path dir = out != null ? out : Path.of("reports", loaded.scenario().name(),
                "shell-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        boolean calibrate = !noCalibrate && point.scenario().calibration().enabled();
        return ShellSession.open(point, choice.backend(), calibrate, dir, server, console);
    }
}
