package org.pepsal.testbed.report;

import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.link.LinkStats;
import org.pepsal.testbed.measure.Legs;
import org.pepsal.testbed.measure.Measured;
import org.pepsal.testbed.measure.Measurement;
import org.pepsal.testbed.measure.Metrics;
import org.pepsal.testbed.measure.PointMeasurements;
import org.pepsal.testbed.measure.TcpInfos;
import org.pepsal.testbed.measure.WorkloadOutput;
import org.pepsal.testbed.measure.sockdiag.SocketRecord;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.ScenarioLoader;
import org.pepsal.testbed.traffic.FlowResult;
import org.pepsal.testbed.traffic.Iperf3;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A run made of invented tool output — iperf3 results, flows, sampled sockets, link statistics — passed through
 * the real measurement code and recorded the way the runner records, in any shape a data set can take.
 */
final class FakeRun {
    enum Values { NORMAL, ZEROS, EQUAL }

    enum Censoring { NONE, SOME, ALL }

    enum Failures { NONE, SOME, ALL }

    /** The shape of a data set. */
    record Shape(int variants, List<String> modes, int repetitions, List<Long> sizes, boolean bulk, Values values,
                 Censoring censoring, boolean missingMetric, boolean csvOnly, Failures failures) {
        @Override
        public String toString() {
            return variants + " variant(s), modes " + modes + ", " + repetitions + " rep(s), sizes " + sizes
                    + (bulk ? ", bulk" : "") + ", " + values + ", censoring " + censoring
                    + (missingMetric ? ", metric missing for some" : "") + (csvOnly ? ", CSV only" : "")
                    + ", failures " + failures;
        }
    }

    static final String CLIENT = "10.200.1.2";
    static final String SERVER = "10.200.2.1";
    static final int IPERF_PORT = 5201;

    private FakeRun() {
    }

    static LoadedScenario scenario(Path dir, Shape shape) throws Exception {
        String modes = shape.modes().stream().map(m -> m.equals("server-bbr")
                ? "{name: server-bbr, pep: false, set: {hosts.server.congestionControl: bbr}}" : m)
                .collect(Collectors.joining(", ", "[", "]"));
        String workload = (shape.bulk() ? "  bulk: {duration: 10 s}\n" : "")
                + (shape.sizes().isEmpty() ? "" : "  flows: {sizes: " + shape.sizes() + ", timeout: 20 s}\n");
        Path file = Files.writeString(dir.resolve("fake.yaml"), """
                name: fake
                description: invented numbers
                link:
                  down: {rate: 20 Mbit/s, delay: 300 ms, loss: 1 %}
                  up: {rate: 5 Mbit/s}
                hosts: {all: {congestionControl: cubic}}
                pep: {satelliteLeg: {congestionControl: bbr}}
                workload:
                """ + workload + "modes: " + modes + "\nrepetitions: " + shape.repetitions() + "\n"
                + (shape.variants() > 1 ? "sweep: {link.down.loss: [0, 1 %]}\n" : ""));
        return ScenarioLoader.load(file);
    }

    /** Records every point of the shape in {@code dir}'s run folder and finishes it; returns the run folder. */
    static Path record(Path dir, Shape shape) throws Exception {
        LoadedScenario loaded = scenario(dir, shape);
        RunOutput output = RunOutput.open(dir.resolve("run"));
        List<Point> points = loaded.points(shape.repetitions());
        output.start(RunMetadata.describe(loaded, "userspace (invented)", points));
        int index = 0;
        for (Point point : points) {
            index++;
            boolean fails = shape.failures() == Failures.ALL || (shape.failures() == Failures.SOME && index % 3 == 0);
            Instant start = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(index * 60L);
            Calibration.Report calibration = new Calibration.Report(List.of(new Calibration.Check("rtt", "a->b->a",
                    610.1, fails ? 612.3 : 610.4, 1, "ms", !fails)));
            if (fails) {
                output.record(new PointRecord(point, start, start.plusSeconds(30), "0.50 0.40 0.30", List.of(), List.of(),
                        calibration, "calibration: the emulated link is not what the scenario says:\n" + calibration.table(),
                        null));
                continue;
            }
            Measured measured = PointMeasurements.of(point, workload(point, shape, index));
            List<Measurement> rows = measured.rows().stream().filter(m -> !(shape.missingMetric()
                    && point.repetition() % 2 == 0 && m.metric().equals(Metrics.GOODPUT_AFTER_STARTUP))).toList();
            output.record(new PointRecord(point, start, start.plusSeconds(45), "1.00 0.80 0.60", rows, measured.samples(),
                    calibration, measured.failures().isEmpty() ? null : String.join("\n", measured.failures()), null));
        }
        output.finish();
        if (shape.csvOnly()) {
            Files.delete(output.dir().resolve(Report.TIMESERIES));
            Files.delete(output.dir().resolve(Report.METADATA));
            Report.render(output.dir());
        }
        return output.dir();
    }

    private static WorkloadOutput workload(Point point, Shape shape, int index) {
        boolean split = point.mode().runsPeps();
        boolean lossy = !point.variant().id().equals("v01") || shape.variants() == 1;
        double top = switch (shape.values()) {
            case ZEROS -> 0;
            case EQUAL -> 10e6;
            case NORMAL -> split ? 18e6 + point.repetition() * 1e5 : lossy ? 4e5 + point.repetition() * 2e4 : 17e6;
        };
        if (shape.censoring() == Censoring.ALL && top > 15e6) {
            top = 15e6; // never 90 % of the capacity: start-up never ends
        }
        List<Iperf3.Interval> intervals = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            double rate = top * Math.min(1, (i + 1) / 8.0);
            intervals.add(new Iperf3.Interval(i * 0.5, (i + 1) * 0.5, rate));
        }
        double mean = intervals.stream().mapToDouble(Iperf3.Interval::bitsPerSecond).average().orElse(0);
        Iperf3.Result bulk = shape.bulk() ? new Iperf3.Result(Iperf3.State.COMPLETED, mean, 12, (long) (mean * 10 / 8), 10,
                intervals, List.of(new Iperf3.Connection(CLIENT, 40000 + index, SERVER, IPERF_PORT)),
                List.of("iperf3", "-c", SERVER), List.of("iperf3", "-s"), "",
                List.of(new Iperf3.StreamGoodput(1, (long) (mean * 10 / 16), 10),
                        new Iperf3.StreamGoodput(2, (long) (mean * 10 / 16 * 0.8), 10))) : null;
        List<FlowResult> flows = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (long size : shape.sizes()) {
                boolean timedOut = shape.censoring() == Censoring.ALL
                        || (shape.censoring() == Censoring.SOME && !split && round == 1);
                double seconds = shape.values() == Values.EQUAL ? 2 : (split ? 1.3 : 2.5) + size / 2e6 + round * 0.1;
                flows.add(timedOut ? new FlowResult(size, FlowResult.State.TIMED_OUT, size / 3, Duration.ofMillis(1300),
                        Duration.ofSeconds(20), 50000 + round, size / 3 + " of " + size + " bytes; did not complete within 20 s")
                        : new FlowResult(size, FlowResult.State.COMPLETED, size, Duration.ofMillis(1250),
                        Duration.ofNanos((long) (seconds * 1e9)), 50000 + round, ""));
            }
        }
        List<SocketRecord> sockets = new ArrayList<>();
        if (bulk != null) {
            Legs legs = Legs.of(point.scenario().topology().shape(), split);
            for (Legs.Leg leg : legs.legs()) {
                String cc = leg.name().equals(Legs.SATELLITE) ? "bbr" : point.mode().name().equals("server-bbr") ? "bbr" : "cubic";
                for (int s = 1; s <= 30; s++) {
                    sockets.add(new SocketRecord(1_000_000_000L + s * 100_000_000L, leg.serverSide(),
                            new InetSocketAddress(SERVER, IPERF_PORT), new InetSocketAddress(CLIENT, 40000 + index), 1, cc,
                            TcpInfos.of(10 + s * 30, 610_000 + s * 100, s / 3, s * 300, s * 100_000L, s * 10_000L,
                                    (long) (top / 8), 0, 1448L * 300 * s)));
                }
            }
        }
        // Some points' links are unhealthy: no buffer (every 4th), late (every 5th), TUN overflows (every 7th).
        LinkStats stats = new LinkStats(new LinkStats.Direction(1000L * index, 3, 10, index % 4 == 0 ? 2 : 0,
                index % 7 == 0 ? 4 : 0, 990L * index, 0, 0, 0.05, 0.3, index % 5 == 0 ? 1.7 : 0.6, 2.5),
                new LinkStats.Direction(500L * index, 0, 5, 0, 0, 495L * index, 0, 0, 0.05, 0.2, 0.4, 1.1));
        return new WorkloadOutput(bulk, flows, null, CLIENT, SERVER, 8080, sockets, List.of(), 1_000_000_000L, 0.003,
                "userspace", Optional.of(stats), "userspace", Optional.of(stats),
                Map.of("net.ipv4.tcp_rmem", "4096 131072 6291456", "net.ipv4.tcp_window_scaling", "1"));
    }
}
