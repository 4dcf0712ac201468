package org.pepsal.testbed.report;

import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Sample;
import com.fasterxml.jackson.core.type.TypeReference;
import org.pepsal.testbed.calibration.Calibration;
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
 * A run's folder, {@code reports/<scenario>/<timestamp>/}. Each point writes into its own
 * {@code points/<id>/} (raw tool output, its results, its calibration) and is marked done last, so an
 * interrupted run keeps its finished points and a re-run of the same folder skips them. {@link #finish}
 * gathers every finished point into results.csv, timeseries.csv and metadata.json and renders the report.
 */
public final class RunOutput {
    static final String POINTS = "points";
    private static final String DONE = "done";
    private static final String CALIBRATION = "calibration.json";

    private final Path dir;

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

    /** Whether an earlier run of this folder finished the point. */
    public boolean isDone(Point point) {
        return Files.exists(dir.resolve(POINTS).resolve(point.id()).resolve(DONE));
    }

    /** Records a finished point: its measurements, time series and calibration (null when not calibrated). */
    public void record(Point point, List<Measurement> measurements, List<Sample> samples, Calibration.Report calibration) {
        Path pointDir = pointDir(point);
        ResultsCsv.writeResults(pointDir.resolve(Report.RESULTS), measurements);
        ResultsCsv.writeTimeseries(pointDir.resolve(Report.TIMESERIES), samples);
        try {
            if (calibration != null) {
                RunMetadata.JSON.writeValue(pointDir.resolve(CALIBRATION).toFile(), calibration.checks());
            }
            Files.writeString(pointDir.resolve(DONE), "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record " + point.id(), e);
        }
    }

    /**
     * Gathers every finished point into the run's results.csv, timeseries.csv and metadata.json (with each
     * point's calibration), renders the report and returns report.html's path.
     */
    public Path finish(RunMetadata metadata) {
        List<Measurement> results = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        Map<String, List<Calibration.Check>> calibration = new TreeMap<>();
        for (Path pointDir : finishedPoints()) {
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
        metadata.withCalibration(calibration).write(dir.resolve(Report.METADATA));
        return Report.render(dir);
    }

    private List<Path> finishedPoints() {
        try (Stream<Path> points = Files.list(dir.resolve(POINTS))) {
            return points.filter(p -> Files.exists(p.resolve(DONE))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir.resolve(POINTS), e);
        }
    }
}
