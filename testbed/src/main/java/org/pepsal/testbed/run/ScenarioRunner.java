package org.pepsal.testbed.run;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.pepsal.testbed.link.LinkBackends;
import org.pepsal.testbed.report.RunMetadata;
import org.pepsal.testbed.report.RunOutput;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Point;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs a loaded scenario: every point not yet done in the output folder (so re-running a folder resumes), in
 * the seeded order, then gathers the results and renders the report. A point is self-contained, so an
 * interrupted run keeps what it finished.
 */
public final class ScenarioRunner {
    private final LoadedScenario loaded;
    private final LinkBackends.Choice backend;
    private final RunOutput output;

    public ScenarioRunner(LoadedScenario loaded, LinkBackends.Choice backend, RunOutput output) {
        this.loaded = loaded;
        this.backend = backend;
        this.output = output;
    }

    /** Runs the points and returns report.html's path. */
    public Path run(int repetitions) {
        List<Point> points = loaded.points(repetitions);
        List<Point> todo = points.stream().filter(p -> !output.isDone(p)).toList();
        System.err.printf("%s: %d points (%d already done) in %s; link backend %s (%s)%n", loaded.scenario().name(),
                points.size(), points.size() - todo.size(), output.dir(), backend.backend().name(), backend.reason());
        PointRunner runner = new PointRunner(backend.backend(), output);
        try (ProgressBar progress = new ProgressBarBuilder().setTaskName(loaded.scenario().name())
                .setInitialMax(points.size()).startsFrom(points.size() - todo.size(), java.time.Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(1000).build()) {
            for (Point point : todo) {
                progress.setExtraMessage(point.id());
                runner.run(point);
                progress.step();
            }
        }
        return output.finish(RunMetadata.describe(loaded, backend.backend().name() + " (" + backend.reason() + ")"));
    }
}
