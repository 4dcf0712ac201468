package org.pepsal.testbed.cli;

import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.link.LinkBackends;
import org.pepsal.testbed.report.RunOutput;
import org.pepsal.testbed.run.ScenarioRunner;
import org.pepsal.testbed.scenario.LoadedScenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code testbed run FILE}: runs a scenario (or preset) and prints the path of its report. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a scenario file (or preset name): every point, then results.csv, charts and report.html. "
                + "Re-running with the same --out resumes; Ctrl-C keeps the points already finished.")
public final class RunCommand implements Callable<Integer> {
    @Mixin
    ScenarioArguments arguments;

    @Option(names = "--reps", paramLabel = "N", description = "Repetitions per variant and mode (default: the file's).")
    Integer repetitions;

    @Option(names = "--backend", defaultValue = LinkBackends.AUTOMATIC, paramLabel = "auto|netem|userspace",
            description = "Link emulator (default: netem where the kernel has it, else userspace).")
    String backend;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (default: reports/<scenario>/<timestamp>); an existing one is resumed.")
    Path out;

    @Override
    public Integer call() {
        LoadedScenario loaded = arguments.loadOrReport();
        if (loaded == null) {
            return 1;
        }
        if (repetitions != null && repetitions < 1) {
            System.err.println("--reps must be >= 1, not " + repetitions);
            return 2;
        }
        LinkBackends.Choice choice = LinkBackends.choose(backend, loaded.scenario().link());
        RunOutput output = out != null ? RunOutput.open(out) : RunOutput.create(Path.of("reports"), loaded.scenario().name());
        try {
            Path report = new ScenarioRunner(loaded, choice, output)
                    .run(repetitions != null ? repetitions : loaded.scenario().repetitions());
            System.out.println(report.toAbsolutePath());
            return 0;
        } catch (Calibration.CalibrationFailedException e) {
            System.err.println("the emulated link is not what the scenario says; no numbers were produced:");
            System.err.println(e.report().table());
            System.err.println("finished points are kept; resume with --out " + output.dir());
            return 1;
        }
    }
}
