package org.pepsal.testbed.report;

import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Sample;
import org.pepsal.testbed.scenario.Point;

import java.time.Instant;
import java.util.List;

/**
 * What one point left: its measurements and time series, its calibration (null when not calibrated), when it
 * ran, and why it failed (null when it did not; a failed point may still carry the rows it measured before).
 *
 * @param trace the failure's stack trace, for the point's failure.txt (null without one)
 */
public record PointRecord(Point point, Instant started, Instant ended, String loadAverage, List<Measurement> measurements,
                          List<Sample> samples, Calibration.Report calibration, String failure, String trace) {
    public PointRecord {
        measurements = List.copyOf(measurements);
        samples = List.copyOf(samples);
    }

    public boolean failed() {
        return failure != null;
    }
}
