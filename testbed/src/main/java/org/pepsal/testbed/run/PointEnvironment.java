package org.pepsal.testbed.run;

import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.link.LinkBackend;
import org.pepsal.testbed.measure.Environment;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.Scenario;
import org.pepsal.testbed.topology.PepProcess;
import org.pepsal.testbed.topology.SatelliteTopology;
import org.pepsal.testbed.topology.TcpSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Everything a point's workload runs in: its topology with the links as the scenario says (the satellite link with
 * the run's backend, the terrestrial hop a plain veth unless it needs emulation; routes' windows set), the
 * satellite link calibrated when asked, and the PEP(s) running when its mode runs them. The scenario runner
 * measures in it; {@code testbed shell} runs a user's command in it. {@link #close()} tears everything
 * down, also when building failed halfway (nothing is left).
 */
public final class PointEnvironment implements AutoCloseable {
    private final SatelliteTopology topology;
    private final Calibration.Report calibration;
    private final List<RunningPep> peps;

    /** A proxy started at one PEP site ({@code gateway}, {@code terminal}). */
    public record RunningPep(String site, PepProcess process) {
    }

    private PointEnvironment(SatelliteTopology topology, Calibration.Report calibration, List<RunningPep> peps) {
        this.topology = topology;
        this.calibration = calibration;
        this.peps = peps;
    }

    /**
     * Builds the point's environment; its calibration table (when {@code calibrate}) and the proxies' logs go to
     * {@code dir}. A congestion control the PEP's legs name must be available before anything is built.
     *
     * @throws Calibration.CalibrationFailedException when the link is outside its tolerances (torn down by then)
     */
    public static PointEnvironment build(Point point, LinkBackend backend, Path dir, boolean calibrate) {
        return build(point, backend, dir, calibrate ? Optional.of(Calibration.Scope.FULL) : Optional.empty(), "");
    }

    /**
     * As {@link #build(Point, LinkBackend, Path, boolean)}, calibrating in {@code calibration}'s scope (none when
     * empty); {@code note} goes below the calibration table (where the checks left out were measured).
     */
    public static PointEnvironment build(Point point, LinkBackend backend, Path dir,
                                         Optional<Calibration.Scope> scope, String note) {
        Scenario scenario = point.scenario();
        if (point.mode().runsPeps()) {
            Stream.of(scenario.pep().satelliteLeg(), scenario.pep().groundLeg())
                    .map(Scenario.LegSettings::congestionControl).filter(Objects::nonNull)
                    .forEach(TcpSettings::requireAvailable);
        }
        SatelliteTopology topology = SatelliteTopology.build(scenario.topology().shape(), point.satelliteLink(), backend,
                scenario.topology().terrestrial(), scenario.topology().terrestrialBackend(backend).backend(),
                scenario.hosts()::forRole);
        try {
            RouteWindows.apply(topology, scenario.hosts());
            Calibration.Report calibration = null;
            if (scope.isPresent()) {
                calibration = Calibration.run(topology.satelliteLink(), scenario.calibration().tolerances(),
                        Calibration.Effort.BEFORE_EXPERIMENT, scope.get());
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("calibration.txt"), calibration.table() + note);
                calibration.requirePassed();
            }
            List<RunningPep> peps = new ArrayList<>();
            if (point.mode().runsPeps()) {
                for (SatelliteTopology.PepSite site : topology.pepSites()) {
                    peps.add(startPep(topology, site, point, dir));
                }
            }
            return new PointEnvironment(topology, calibration, Collections.unmodifiableList(peps));
        } catch (IOException e) {
            topology.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    private static RunningPep startPep(SatelliteTopology topology, SatelliteTopology.PepSite site, Point point,
                                       Path dir) {
        Scenario scenario = point.scenario();
        boolean atGateway = site.host() == topology.gateway();
        PepProcess.divert(site.host(), site.acceptingDevice(topology.gateway()));
        Path flowLog = dir.resolve("flows-" + site.host().role() + ".jsonl");
        List<String> arguments = new ArrayList<>(scenario.pep().arguments(atGateway));
        List<String> link = scenario.pep().linkArguments(atGateway, point.satelliteLink());
        if (!link.isEmpty()) {
            arguments.addAll(link);
            PepProcess.startNearTheBdp(site.host(), site.satelliteDevice(), point.satelliteLink(), atGateway);
        }
        arguments.addAll(List.of("--flow-log", flowLog.toString(), "-p", Integer.toString(PepProcess.PORT)));
        PepProcess process = PepProcess.start(site.host(), dir.resolve("pep-" + site.host().role()), arguments);
        return new RunningPep(site.host().role(), process);
    }

    public SatelliteTopology topology() {
        return topology;
    }

    /** The calibration report, when the link was calibrated. */
    public Optional<Calibration.Report> calibration() {
        return Optional.ofNullable(calibration);
    }

    public List<RunningPep> peps() {
        return peps;
    }

    /** Each running proxy's command line as the kernel reports it, by site: {@code pepsal at the gateway}. */
    public Map<String, List<String>> pepCommands() {
        Map<String, List<String>> commands = new LinkedHashMap<>();
        for (RunningPep pep : peps) {
            commands.put("pepsal at the " + pep.site(), Environment.commandLine(pep.process().pid()));
        }
        return commands;
    }

    /** SIGTERM to every proxy, and a wait while each drains and writes its last flow records. */
    public void stopPeps(Duration timeout) {
        for (RunningPep pep : peps) {
            pep.process().terminate(timeout);
        }
    }

    @Override
    public void close() {
        topology.close();
    }
}
