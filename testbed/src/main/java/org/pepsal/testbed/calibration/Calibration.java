package org.pepsal.testbed.calibration;

import org.pepsal.testbed.traffic.Iperf3;
import org.pepsal.testbed.traffic.Iperf3.Transfer;

import org.pepsal.testbed.link.EmulatedLink;
import org.pepsal.testbed.link.LinkDirection;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.link.LossModel;
import org.pepsal.testbed.topology.Link;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures a built link and sets each figure beside its configured value: idle RTT (median of probes), bulk
 * rate each way (iperf3), and loss rate each way (numbered UDP packets). An experiment whose link is outside
 * tolerance must stop with the {@link Report#table()} instead of producing numbers.
 */
public final class Calibration {
    /** IPv4 (20) + TCP with timestamps (32): what a full TCP segment carries besides payload. */
    static final int TCP_HEADER_BYTES = 52;
    /** IPv4 (20) + UDP (8). */
    static final int UDP_HEADER_BYTES = 28;

    private Calibration() {
    }

    /** How much a measurement may differ from its configured value. */
    public record Tolerances(double rttMillis, double rateFraction, double lossSigmas) {
        public static final Tolerances DEFAULT = new Tolerances(1.0, 0.03, 3.0);
    }

    /** How long and how hard to measure. */
    public record Effort(int rttProbes, int rateSeconds, int lossPackets) {
        public static final Effort DEFAULT = new Effort(100, 4, 20_000);
        /**
         * Before each experiment: the same RTT probes, shorter rate and loss probes (5,000 packets still bound a
         * 1 % loss within ±0.42 % at 3σ), so calibration does not outlast a short experiment.
         */
        public static final Effort BEFORE_EXPERIMENT = new Effort(100, 4, 5_000);
    }

    /** One measured figure beside its configured value. */
    public record Check(String quantity, String direction, double configured, double measured, double allowed,
                        String unit, boolean passed) {
    }

    public record Report(List<Check> checks) {
        public boolean passed() {
            return checks.stream().allMatch(Check::passed);
        }

        /** A fixed-width table, one line per check. */
        public String table() {
            StringBuilder out = new StringBuilder(String.format("%-10s %-9s %14s %14s %14s  %s%n",
                    "quantity", "direction", "configured", "measured", "allowed ±", "result"));
            for (Check check : checks) {
                out.append(String.format("%-10s %-9s %14s %14s %14s  %s%n", check.quantity(), check.direction(),
                        format(check.configured(), check.unit()), format(check.measured(), check.unit()),
                        format(check.allowed(), check.unit()), check.passed() ? "ok" : "OUT OF TOLERANCE"));
            }
            return out.toString();
        }

        /** Stops an experiment whose link is not what its configuration says. */
        public void requirePassed() {
            if (!passed()) {
                throw new CalibrationFailedException(this);
            }
        }

        private static String format(double value, String unit) {
            return switch (unit) {
                case "bit/s" -> String.format("%.3f Mbit/s", value / 1e6);
                case "ms" -> String.format("%.3f ms", value);
                default -> String.format("%.5f", value);
            };
        }
    }

    /** The link was outside tolerance; the message is the table. */
    public static final class CalibrationFailedException extends RuntimeException {
        private final transient Report report;

        public CalibrationFailedException(Report report) {
            super("the link is outside its calibration tolerance:\n" + report.table());
            this.report = report;
        }

        public Report report() {
            return report;
        }
    }

    public static Report run(EmulatedLink emulated, Tolerances tolerances, Effort effort) {
        LinkSpec spec = emulated.spec();
        Link link = emulated.link();
        List<Check> checks = new ArrayList<>();
        checks.add(rtt(link, spec, tolerances, effort));
        checks.add(rate(link.a(), link.b(), spec.aToB(), "a->b", tolerances, effort));
        checks.add(rate(link.b(), link.a(), spec.bToA(), "b->a", tolerances, effort));
        checks.add(loss(link.a(), link.b(), spec.aToB(), "a->b", tolerances, effort));
        checks.add(loss(link.b(), link.a(), spec.bToA(), "b->a", tolerances, effort));
        return new Report(checks);
    }

    /** The RTT a probe should see on an idle link: both delays plus its serialisation each way. */
    public static double expectedRttMillis(LinkSpec spec) {
        int probeBytes = RttProbe.PROBE_BYTES + UDP_HEADER_BYTES;
        long nanos = spec.baseRtt().toNanos() + spec.aToB().serializationNanos(probeBytes)
                + spec.bToA().serializationNanos(probeBytes);
        return nanos / 1e6;
    }

    /** TCP goodput of a full-sized segment stream at the direction's rate: line rate less headers. */
    public static double expectedTcpGoodput(LinkDirection direction) {
        return direction.rateBitsPerSecond() * (double) (direction.mtu() - TCP_HEADER_BYTES) / direction.mtu();
    }

    /** UDP goodput with full-sized datagrams on a saturated link: line rate less headers, less the loss. */
    public static double expectedUdpGoodput(LinkDirection direction) {
        return direction.rateBitsPerSecond() * (double) (direction.mtu() - UDP_HEADER_BYTES) / direction.mtu()
                * (1 - direction.loss().meanLoss());
    }

    /**
     * The standard deviation of a loss rate measured over {@code packets}. Gilbert-Elliott losses come in
     * bursts, which widens it by (1 + ρ) / (1 - ρ), ρ = 1 - p - r being the state's correlation from one
     * packet to the next.
     */
    public static double lossSigma(LossModel model, int packets) {
        double p = model.meanLoss();
        double variance = p * (1 - p) / packets;
        if (model instanceof LossModel.GilbertElliott ge) {
            double rho = 1 - ge.p() - ge.r();
            variance *= (1 + rho) / (1 - rho);
        }
        return Math.sqrt(variance);
    }

    private static Check rtt(Link link, LinkSpec spec, Tolerances tolerances, Effort effort) {
        double mean = PingProbe.meanRttMillis(link.a().host(), link.b().ipv4(), effort.rttProbes());
        double expected = expectedRttMillis(spec);
        return new Check("rtt", "a->b->a", expected, mean, tolerances.rttMillis(), "ms",
                Math.abs(mean - expected) <= tolerances.rttMillis());
    }

    /**
     * The rate each way, with UDP offered 5 % above the line rate and counted over the receiver's steady middle.
     * Not TCP: it cannot fill a lossy link, and over a GEO round trip its slow start alone outlasts a short test.
     * Not the whole test: what is queued or in flight when iperf3 stops counting would read about 12 % low at
     * GEO delays.
     */
    private static Check rate(Link.End from, Link.End to, LinkDirection direction, String name,
                              Tolerances tolerances, Effort effort) {
        double expected = expectedUdpGoodput(direction);
        double measured = Iperf3.run(from.host(), to.host(), to.ipv4(),
                        Transfer.udp(Duration.ofSeconds(effort.rateSeconds()),
                                (long) (expectedUdpGoodput(direction.withLoss(LossModel.none())) * 1.05),
                                direction.mtu() - UDP_HEADER_BYTES), null)
                .steadyGoodputBitsPerSecond(1.0);
        double allowed = expected * tolerances.rateFraction();
        return new Check("udp rate", name, expected, measured, allowed, "bit/s",
                Math.abs(measured - expected) <= allowed);
    }

    /** Probes at a quarter of the link's rate, so the queue never drops and only the loss model loses. */
    private static Check loss(Link.End from, Link.End to, LinkDirection direction, String name,
                              Tolerances tolerances, Effort effort) {
        int payload = 100;
        long packetsPerSecond = Math.min(10_000, direction.rateBitsPerSecond() / 4 / ((payload + UDP_HEADER_BYTES) * 8L));
        LossProbe.Result result = LossProbe.run(from.host(), to.host(), to.ipv4(), effort.lossPackets(), payload,
                (int) Math.max(1, packetsPerSecond));
        double expected = direction.loss().meanLoss();
        double allowed = tolerances.lossSigmas() * lossSigma(direction.loss(), effort.lossPackets());
        return new Check("loss", name, expected, result.lossRate(), allowed, "fraction",
                Math.abs(result.lossRate() - expected) <= allowed);
    }
}
