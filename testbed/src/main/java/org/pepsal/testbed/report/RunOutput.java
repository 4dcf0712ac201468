package org.pepsal.testbed.report;

import com.fasterxml.jackson.core.type.TypeReference;
import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.PointStatus;
import org.pepsal.testbed.measure.Sample;
import org.pepsal.testbed.scenario.Point;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A run's folder, {@code reports/<scenario>/<timestamp>/}. metadata.json is written when the run starts and after
 * every point. Each point writes into its own {@code points/<id>/} (raw tool output, its results, its
 * calibration, and why it failed) and is marked {@code done} or {@code failed} last, so an interrupted run keeps
 * its finished points and a re-run of the same folder skips the done ones and retries the failed ones.
 * {@link #finish} gathers every recorded point into results.csv, timeseries.csv and metadata.json and renders
 * the report.
 */
public final class RunOutput {
    static final String POINTS = "points";
    private static final String DONE = "done";
    private static final String FAILED = "failed";
    private static final String CALIBRATION = "calibration.json";
    public static final String FAILURE = "failure.txt";

    private final Path dir;
    private RunMetadata metadata;

    private RunOutput(Path dir) {
        this.dir = dir;
    }

    /** A new folder {@code root/<scenario>/<yyyyMMdd-HHmmss>/}. */
    public static RunOutput create(Path root, String scenario) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return open(root.resolve(scenario).resolve(stamp));
    }

    /** An existing folder (to resume) or a new one at {@code dir}. */
    public static RunOutput open(Path dir) {
        try {
            return new RunOutput(Files.createDirectories(dir.resolve(POINTS)).getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The point's own folder, for its raw files (iperf3 JSON, proxy logs). */
    public Path pointDir(Point point) {
        try {
            return Files.createDirectories(dir.resolve(POINTS).resolve(point.id()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of " + point.id(), e);
        }
    }

    /** Whether an earlier run of this folder finished the point (a failed point is run again). */
    public boolean isDone(Point point) {
        return Files.exists(dir.resolve(POINTS).resolve(point.id()).resolve(DONE));
    }

    /** Writes metadata.json as the run starts, keeping the points an earlier run of this folder recorded. */
    public void start(RunMetadata run) {
        Path file = dir.resolve(Report.METADATA);
        metadata = Files.isRegularFile(file) ? run.withPoints(RunMetadata.read(file).points()) : run;
        metadata.write(file);
    }

    /** Records a point that finished or failed, with its status rows; then updates metadata.json. */
    public void record(PointRecord record) {
        Point point = record.point();
        Path pointDir = pointDir(point);
        List<Measurement> rows = new ArrayList<>(record.measurements());
        rows.addAll(PointStatus.rows(point, record.started(), record.ended(), record.failure()));
        try {
            Files.deleteIfExists(pointDir.resolve(DONE));
            Files.deleteIfExists(pointDir.resolve(FAILED));
            ResultsCsv.writeResults(pointDir.resolve(Report.RESULTS), rows);
            ResultsCsv.writeTimeseries(pointDir.resolve(Report.TIMESERIES), record.samples());
            if (record.calibration() != null) {
                RunMetadata.JSON.writeValue(pointDir.resolve(CALIBRATION).toFile(), record.calibration().checks());
            }
            if (record.failed()) {
                Files.writeString(pointDir.resolve(FAILURE), record.failure() + "\n"
                        + (record.trace() == null ? "" : "\n" + record.trace()));
            }
            Files.writeString(pointDir.resolve(record.failed() ? FAILED : DONE), "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record " + point.id(), e);
        }
        if (metadata != null) {
            String reason = record.failed() ? record.failure().lines().findFirst().orElse("") : "";
            metadata = metadata.withPoint(new RunMetadata.PointInfo(point.id(), record.failed() ? PointStatus.FAILED
                    : PointStatus.OK, record.started(), record.ended(), record.loadAverage(), reason));
            metadata.write(dir.resolve(Report.METADATA));
        }
    }

    /**
     * Gathers every recorded point into the run's results.csv, timeseries.csv and metadata.json (with each
     * point's calibration), renders the report and returns report.html's path.
     */
    public Path finish() {
        List<Measurement> results = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        Map<String, List<Calibration.Check>> calibration = new TreeMap<>();
        for (Path pointDir : recordedPoints()) {
            results.addAll(ResultsCsv.readResults(pointDir.resolve(Report.RESULTS)));
            samples.addAll(ResultsCsv.readTimeseries(pointDir.resolve(Report.TIMESERIES)));
            Path checks = pointDir.resolve(CALIBRATION);
            if (Files.exists(checks)) {
                try {
                    calibration.put(pointDir.getFileName().toString(),
                            RunMetadata.JSON.readValue(checks.toFile(), new TypeReference<List<Calibration.Check>>() { }));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + checks, e);
                }
            }
        }
        ResultsCsv.writeResults(dir.resolve(Report.RESULTS), results);
        ResultsCsv.writeTimeseries(dir.resolve(Report.TIMESERIES), samples);
        if (metadata != null) {
            metadata = metadata.withCalibration(calibration);
            metadata.write(dir.resolve(Report.METADATA));
        }
        return Report.render(dir);
    }

    private List<Path> recordedPoints() {
        try (Stream<Path> points = Files.list(dir.resolve(POINTS))) {
            return points.filter(p -> Files.exists(p.resolve(DONE)) || Files.exists(p.resolve(FAILED))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir.resolve(POINTS), e);
        }
    }
}
