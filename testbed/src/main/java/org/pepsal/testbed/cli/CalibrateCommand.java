package org.pepsal.testbed.cli;

import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.link.EmulatedLink;
import org.pepsal.testbed.link.LinkBackends;
import org.pepsal.testbed.link.LinkJson;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.scenario.LinkArgument;
import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.Scenario;
import org.pepsal.testbed.scenario.ScenarioException;
import org.pepsal.testbed.scenario.Variant;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.SatelliteTopology;
import org.pepsal.testbed.topology.TcpSettings;
import org.pepsal.testbed.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code testbed calibrate}: builds a link — given with {@code --link} in a scenario file's syntax, between two
 * hosts, or a scenario's satellite link in its own topology — measures it, and prints the configured and
 * measured figures side by side. Exit code 0 when everything is within tolerance, 1 if not, 2 for bad arguments.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Build a link, measure RTT, rate and loss, compare with the configuration: --link in a scenario "
                + "file's syntax (between two namespaces), or a scenario's satellite link in its topology.")
public final class CalibrateCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE|PRESET",
            description = "A scenario file or preset: its satellite link, in its topology, with its tolerances.")
    String scenario;

    @Option(names = "--link", paramLabel = "LINK",
            description = "A link as a scenario file writes it, e.g. 'rate: 20 Mbit/s, delay: 300 ms, loss: 1 %%' "
                    + "(both ways) or 'preset: geo, up: {rate: 5 Mbit/s}'.")
    String link;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Override a field of the scenario.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--variant", paramLabel = "ID", description = "Which variant of a swept scenario (default the first).")
    String variant;

    @Option(names = "--backend", defaultValue = LinkBackends.AUTOMATIC, description = "auto, netem or userspace.")
    String backend;

    @Option(names = "--rtt-probes", defaultValue = "100")
    int rttProbes;

    @Option(names = "--rate-seconds", defaultValue = "4")
    int rateSeconds;

    @Option(names = "--loss-packets", defaultValue = "20000")
    int lossPackets;

    @Override
    public Integer call() {
        if ((scenario == null) == (link == null)) {
            System.err.println("calibrate: give a scenario (file or preset) or --link, "
                    + (scenario == null ? "not neither" : "not both"));
            return 2;
        }
        if (link != null && (!overrides.isEmpty() || variant != null)) {
            System.err.println("calibrate: --set and --variant change a scenario; --link gives the whole link");
            return 2;
        }
        Calibration.Effort effort = new Calibration.Effort(rttProbes, rateSeconds, lossPackets);
        if (link != null) {
            LinkSpec spec;
            try {
                spec = LinkArgument.parse("--link", link, Path.of(""));
            } catch (ScenarioException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            return betweenTwoHosts(spec, effort);
        }
        LoadedScenario loaded = ScenarioArguments.load(scenario, overrides);
        Variant chosen = loaded == null ? null : ScenarioArguments.variant(loaded, variant, System.err);
        if (chosen == null) {
            return 2;
        }
        return inItsTopology(new Point(chosen, chosen.scenario().modes().get(0), 1), effort);
    }

    private int betweenTwoHosts(LinkSpec spec, Calibration.Effort effort) {
        LinkBackends.Choice choice = describe(spec);
        try (Topology topology = Topology.create()) {
            Host a = topology.host("a");
            Host b = topology.host("b");
            TcpSettings.defaults().apply(a);
            TcpSettings.defaults().apply(b);
            EmulatedLink emulated = choice.backend().connect(topology, a, b, spec);
            return report(Calibration.run(emulated, Calibration.Tolerances.DEFAULT, effort));
        }
    }

    /**
     * The scenario's satellite link as its points build it (its first mode, repetition 1's seed), in its own
     * topology and hosts.
     */
    private int inItsTopology(Point point, Calibration.Effort effort) {
        Scenario settings = point.scenario();
        LinkBackends.Choice choice = describe(point.satelliteLink());
        try (SatelliteTopology topology = SatelliteTopology.build(settings.topology().shape(), point.satelliteLink(),
                choice.backend(), settings.topology().terrestrial(),
                settings.topology().terrestrialBackend(choice.backend()).backend(), settings.hosts()::forRole)) {
            return report(Calibration.run(topology.satelliteLink(), settings.calibration().tolerances(), effort));
        }
    }

    private LinkBackends.Choice describe(LinkSpec spec) {
        LinkBackends.Choice choice = LinkBackends.choose(backend, spec);
        System.out.println("link: " + LinkJson.write(spec));
        System.out.println("backend: " + choice.description());
        return choice;
    }

    private static int report(Calibration.Report report) {
        System.out.print(report.table());
        System.out.println(report.passed() ? "calibration passed" : "calibration FAILED");
        return report.passed() ? 0 : 1;
    }
}
