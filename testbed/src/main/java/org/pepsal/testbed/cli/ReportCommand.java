package org.pepsal.testbed.cli;

import org.pepsal.testbed.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code testbed report DIR}: redraws a run's charts and report.html from its CSV files, without re-running. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Re-render a run folder's charts and report.html from results.csv (and timeseries.csv, metadata.json).")
public final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "A run folder, e.g. reports/quick-geo/20250101-120000.")
    Path dir;

    @Override
    public Integer call() {
        try {
            System.out.println(Report.render(dir).toAbsolutePath().normalize());
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }
}
