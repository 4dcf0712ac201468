package org.pepsal.testbed.cli;

import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.link.EmulatedLink;
import org.pepsal.testbed.link.LinkBackends;
import org.pepsal.testbed.link.LinkDirection;
import org.pepsal.testbed.link.LinkJson;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.link.LossModel;
import org.pepsal.testbed.link.QueueLimit;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.TcpSettings;
import org.pepsal.testbed.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code testbed calibrate}: builds two hosts joined by the given link, measures it, and prints the
 * configured and measured figures side by side. Exit code 0 when everything is within tolerance, 1 if not.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Build a link between two namespaces, measure RTT, rate and loss, compare with the configuration.")
public final class CalibrateCommand implements Callable<Integer> {
    @Option(names = "--spec", description = "A link spec as JSON (overrides the link options below).")
    Path specFile;

    @Option(names = "--rate", defaultValue = "20", description = "Rate a->b in Mbit/s (default ${DEFAULT-VALUE}).")
    double rateMbit;

    @Option(names = "--rate-back", description = "Rate b->a in Mbit/s (default: same as --rate).")
    Double rateBackMbit;

    @Option(names = "--delay", defaultValue = "300", description = "One-way delay in ms, each way (default ${DEFAULT-VALUE}).")
    double delayMillis;

    @Option(names = "--jitter", defaultValue = "0", description = "Jitter in ms (uniform ±, order kept).")
    double jitterMillis;

    @Option(names = "--loss", defaultValue = "0", description = "Bernoulli loss probability, each way.")
    double loss;

    @Option(names = "--gilbert-elliott", split = ",", arity = "1",
            description = "Gilbert-Elliott loss p,r,lossInGood,lossInBad (instead of --loss).")
    double[] gilbertElliott;

    @Option(names = "--queue-bytes", description = "Bottleneck queue in bytes (default: one BDP).")
    Long queueBytes;

    @Option(names = "--mtu", defaultValue = "1500")
    int mtu;

    @Option(names = "--backend", defaultValue = LinkBackends.AUTOMATIC, description = "auto, netem or userspace.")
    String backend;

    @Option(names = "--rtt-probes", defaultValue = "100")
    int rttProbes;

    @Option(names = "--rate-seconds", defaultValue = "4")
    int rateSeconds;

    @Option(names = "--loss-packets", defaultValue = "20000")
    int lossPackets;

    @Override
    public Integer call() throws Exception {
        LinkSpec spec = specFile != null ? LinkJson.read(Files.readString(specFile), LinkSpec.class) : specFromOptions();
        LinkBackends.Choice choice = LinkBackends.choose(backend, spec);
        System.out.println("link: " + LinkJson.write(spec));
        System.out.println("backend: " + choice.description());
        try (Topology topology = Topology.create()) {
            Host a = topology.host("a");
            Host b = topology.host("b");
            TcpSettings.defaults().apply(a);
            TcpSettings.defaults().apply(b);
            EmulatedLink link = choice.backend().connect(topology, a, b, spec);
            Calibration.Report report = Calibration.run(link, Calibration.Tolerances.DEFAULT,
                    new Calibration.Effort(rttProbes, rateSeconds, lossPackets));
            System.out.print(report.table());
            System.out.println(report.passed() ? "calibration passed" : "calibration FAILED");
            return report.passed() ? 0 : 1;
        }
    }

    private LinkSpec specFromOptions() {
        LossModel lossModel = gilbertElliott != null
                ? new LossModel.GilbertElliott(gilbertElliott[0], gilbertElliott[1], gilbertElliott[2], gilbertElliott[3])
                : loss > 0 ? new LossModel.Bernoulli(loss) : LossModel.none();
        LinkDirection forward = LinkDirection.of(Math.round(rateMbit * 1e6), Duration.ofNanos(Math.round(delayMillis * 1e6)))
                .withJitter(Duration.ofNanos(Math.round(jitterMillis * 1e6)), false)
                .withLoss(lossModel)
                .withQueueLimit(queueBytes == null ? null : QueueLimit.bytes(queueBytes))
                .withMtu(mtu);
        LinkDirection back = rateBackMbit == null ? forward : forward.withRate(Math.round(rateBackMbit * 1e6));
        return LinkSpec.asymmetric(forward, back);
    }
}
