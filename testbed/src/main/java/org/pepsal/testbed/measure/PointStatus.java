package org.pepsal.testbed.measure;

import org.pepsal.testbed.scenario.Point;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The rows that say how a point went: ok or failed (with the reason), when it started, how long it took. */
public final class PointStatus {
    public static final String OK = "ok";
    public static final String FAILED = "failed";

    private PointStatus() {
    }

    /** @param failure why the point failed, or null when it did not */
    public static List<Measurement> rows(Point point, Instant started, Instant ended, String failure) {
        return List.of(
                Measurement.of(point, Legs.POINT, Metrics.POINT_STATUS, failure == null ? 1 : 0, Metrics.COUNT)
                        .withState(failure == null ? OK : FAILED).withNote(failure == null ? "" : failure),
                Measurement.of(point, Legs.POINT, Metrics.POINT_START, started.toEpochMilli() / 1e3, Metrics.UNIX_SECONDS),
                Measurement.of(point, Legs.POINT, Metrics.POINT_DURATION, Duration.between(started, ended).toMillis() / 1e3,
                        Metrics.SECONDS));
    }
}
