package org.pepsal.testbed.cli;

import org.pepsal.testbed.link.LinkBackends;
import org.pepsal.testbed.report.PointRecord;
import org.pepsal.testbed.report.RunOutput;
import org.pepsal.testbed.run.ScenarioRunner;
import org.pepsal.testbed.scenario.LoadedScenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code testbed run FILE}: runs a scenario (or preset) and prints the path of its report. Exit status 0 when
 * every point passed, 1 when some failed (the report says why), 2 for bad arguments, 130 after Ctrl-C.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a scenario file (or preset name): every point, then results.csv, charts and report.html. "
                + "A failed point is recorded with its reason and the others still run. Re-running with the same "
                + "--out resumes (and retries failed points); Ctrl-C keeps the points already finished.")
public final class RunCommand implements Callable<Integer> {
    static final int SOME_FAILED = 1;
    static final int INTERRUPTED = 130;

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

    @Option(names = "--fail-fast", description = "Stop at the first failed point (the report is still written).")
    boolean failFast;

    @Option(names = {"-v", "--verbose"}, description = "Print the stack trace of a failure, not only its reason.")
    boolean verbose;

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
        // A problem before any point runs (no backend, an unwritable folder) is told by TestbedCommand's handler.
        LinkBackends.Choice choice = LinkBackends.choose(backend, loaded.scenario().link());
        RunOutput output = out != null ? RunOutput.open(out) : RunOutput.create(Path.of("reports"), loaded.scenario().name());
        ScenarioRunner.Summary summary = new ScenarioRunner(loaded, choice, output, failFast, verbose, System.err)
                .run(repetitions != null ? repetitions : loaded.scenario().repetitions());
        printSummary(summary, output);
        System.out.println(summary.report().toAbsolutePath());
        return summary.interrupted() ? INTERRUPTED : summary.allPassed() ? 0 : SOME_FAILED;
    }

    private static void printSummary(ScenarioRunner.Summary summary, RunOutput output) {
        if (summary.interrupted()) {
            System.err.println("stopped: the point under way was torn down; resume with --out " + output.dir());
        }
        if (!summary.failed().isEmpty()) {
            System.err.println(summary.failed().size() + " point(s) failed (their reasons are in the report and in "
                    + "points/<id>/failure.txt; re-running with --out " + output.dir() + " retries them):");
            for (PointRecord failed : summary.failed()) {
                System.err.println("  " + failed.point().id() + ": " + failed.failure().lines().findFirst().orElse(""));
            }
        }
        if (summary.notRun() > 0 && !summary.interrupted()) {
            System.err.println(summary.notRun() + " point(s) not run (--fail-fast); resume with --out " + output.dir());
        }
    }
}
