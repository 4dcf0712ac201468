package org.pepsal.testbed.run;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.pepsal.testbed.link.LinkBackends;
import org.pepsal.testbed.report.PointRecord;
import org.pepsal.testbed.report.RunMetadata;
import org.pepsal.testbed.report.RunOutput;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Point;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a loaded scenario: every point not yet done in the output folder (so re-running a folder resumes, and
 * retries the points that failed), in the seeded order, then gathers the results and renders the report. A
 * point that fails is recorded with its reason and the next one runs, unless {@code failFast}. On Ctrl-C the
 * point under way is torn down (by the topology's own shutdown hook), not recorded, and the report is rendered
 * from the points already finished.
 */
public final class ScenarioRunner {
    private final LoadedScenario loaded;
    private final LinkBackends.Choice backend;
    private final RunOutput output;
    private final boolean failFast;
    private final boolean verbose;
    private final PrintStream console;
    private volatile boolean stopping;

    public ScenarioRunner(LoadedScenario loaded, LinkBackends.Choice backend, RunOutput output, boolean failFast,
                          boolean verbose, PrintStream console) {
        this.loaded = loaded;
        this.backend = backend;
        this.output = output;
        this.failFast = failFast;
        this.verbose = verbose;
        this.console = console;
    }

    public ScenarioRunner(LoadedScenario loaded, LinkBackends.Choice backend, RunOutput output) {
        this(loaded, backend, output, false, false, System.err);
    }

    /**
     * How the run went: the report's path, the points that failed (with their reasons), whether it was stopped
     * by Ctrl-C or by the first failure under {@code failFast}, and how many points it left unrun.
     */
    public record Summary(Path report, List<PointRecord> failed, boolean interrupted, int notRun) {
        public boolean allPassed() {
            return failed.isEmpty() && !interrupted && notRun == 0;
        }
    }

    /** Runs the points and returns how it went. */
    public Summary run(int repetitions) {
        List<Point> points = loaded.points(repetitions);
        List<Point> todo = points.stream().filter(p -> !output.isDone(p)).toList();
        console.printf("%s: %d points (%d already done) in %s; link backend %s (%s)%n", loaded.scenario().name(),
                points.size(), points.size() - todo.size(), output.dir(), backend.backend().name(), backend.reason());
        output.start(RunMetadata.describe(loaded, backend.description(), points));
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopping = true;
            try {
                // Let the main thread record nothing more and render the report of the finished points.
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "runner-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        List<PointRecord> failed = new ArrayList<>();
        int run = 0;
        try {
            PointRunner runner = new PointRunner(backend.backend(), output);
            try (ProgressBar progress = new ProgressBarBuilder().setTaskName(loaded.scenario().name())
                    .setInitialMax(points.size()).startsFrom(points.size() - todo.size(), java.time.Duration.ZERO)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(console))
                    .setUpdateIntervalMillis(1000).build()) {
                for (Point point : todo) {
                    if (stopping) {
                        break;
                    }
                    progress.setExtraMessage(point.id());
                    PointRecord record = runner.run(point);
                    if (stopping) {
                        break;
                    }
                    output.record(record);
                    run++;
                    progress.step();
                    if (record.failed()) {
                        failed.add(record);
                        report(record);
                        if (failFast) {
                            break;
                        }
                    }
                }
            }
            Path report = output.finish();
            return new Summary(report, failed, stopping, todo.size() - run);
        } finally {
            finished.countDown();
            if (!stopping) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    /** A failed point on the console: its reason, and the stack trace only when asked for. */
    private void report(PointRecord record) {
        console.println();
        console.println("point " + record.point().id() + " failed: " + record.failure());
        if (verbose && record.trace() != null) {
            console.println(record.trace());
        }
    }
}
