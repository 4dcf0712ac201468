package org.pepsal.testbed.calibration;

import org.junit.jupiter.api.Test;
import org.pepsal.testbed.link.LossModel;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CalibrationReportTest {
    @Test
    void failingCalibrationStopsWithAReadableTable() {
        Calibration.Report report = new Calibration.Report(List.of(
                new Calibration.Check("rtt", "a->b->a", 600.07, 600.4, 1, "ms", true),
                new Calibration.Check("tcp rate", "a->b", 19.3e6, 17.0e6, 0.58e6, "bit/s", false)));

        assertThat(report.passed()).isFalse();
        assertThatThrownBy(report::requirePassed)
                .hasMessageContaining("outside its calibration tolerance")
                .hasMessageContaining("600.070 ms")
                .hasMessageContaining("17.000 Mbit/s")
                .hasMessageContaining("OUT OF TOLERANCE");
    }

    @Test
    void burstyLossWidensTheStatisticalBound() {
        double bernoulli = Calibration.lossSigma(new LossModel.Bernoulli(0.0625), 20_000);
        double bursty = Calibration.lossSigma(new LossModel.GilbertElliott(0.02, 0.3, 0, 1), 20_000);
        assertThat(bernoulli).isCloseTo(Math.sqrt(0.0625 * 0.9375 / 20_000), within(1e-12));
        assertThat(bursty / bernoulli).isCloseTo(Math.sqrt(1.68 / 0.32), within(1e-9));
    }
}
