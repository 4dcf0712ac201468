package org.pepsal.testbed.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import org.pepsal.testbed.calibration.Calibration;
import org.pepsal.testbed.topology.SatelliteTopology;
import org.pepsal.testbed.topology.TcpSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a scenario document (already YAML-parsed) into a validated {@link Scenario}; see docs/scenarios.md. */
final class ScenarioFormat {
    /** Repetitions per variant and mode: 6 is the smallest n whose median has an exact 95 % interval. */
    static final int DEFAULT_REPETITIONS = 6;
    static final Set<String> TOP_FIELDS = Set.of("name", "description", "question", "topology", "link", "hosts", "pep",
            "workload", "modes", "repetitions", "seed", "sweep", "calibration", "health");
    private static final Set<String> LEG_FIELDS = Set.of("congestionControl", "sendBuffer", "receiveBuffer");
    private static final Set<String> MODE_FIELDS = Set.of("name", "description", "pep", "set");

    private ScenarioFormat() {
    }

    static Scenario parse(JsonNode document, Path baseDir) {
        Field root = Field.root(document).object(TOP_FIELDS);
        String name = root.get("name").requiredText();
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw root.get("name").error("a name is lower-case letters, digits and '-' (it names the report folder): " + name);
        }
        String description = root.get("description").text("");
        long seed = root.get("seed").integer(1, Long.MIN_VALUE, Long.MAX_VALUE);
        Field link = root.get("link");
        link.requirePresent();
        return new Scenario(name, description, root.get("question").text(description), topology(root.get("topology"), baseDir),
                LinkFormat.parse(link, baseDir, seed), HostFormat.parse(root.get("hosts")), pep(root.get("pep")),
                WorkloadFormat.parse(root.get("workload")), modes(root.get("modes")),
                (int) root.get("repetitions").integer(DEFAULT_REPETITIONS, 1, 1000), seed, sweep(root.get("sweep")),
                calibration(root.get("calibration")), health(root.get("health")));
    }

    private static Scenario.TopologySettings topology(Field topology, Path baseDir) {
        if (!topology.present()) {
            return new Scenario.TopologySettings(SatelliteTopology.Shape.SINGLE_PEP, SatelliteTopology.DEFAULT_TERRESTRIAL,
                    false);
        }
        topology.object(Set.of("shape", "terrestrial", "emulateTerrestrial"));
        Field terrestrial = topology.get("terrestrial");
        return new Scenario.TopologySettings(
                topology.get("shape").choice(SatelliteTopology.Shape.SINGLE_PEP,
                        Map.of("single", SatelliteTopology.Shape.SINGLE_PEP, "distributed", SatelliteTopology.Shape.DISTRIBUTED_PEP)),
                terrestrial.present() ? LinkFormat.parse(terrestrial, baseDir, 1) : SatelliteTopology.DEFAULT_TERRESTRIAL,
                topology.get("emulateTerrestrial").bool(false));
    }

    private static Scenario.PepSettings pep(Field pep) {
        if (!pep.present()) {
            return new Scenario.PepSettings(Scenario.LegSettings.DEFAULTS, Scenario.LegSettings.DEFAULTS, false, List.of(),
                    true);
        }
        pep.object(Set.of("satelliteLeg", "groundLeg", "splice", "options", "linkAware"));
        return new Scenario.PepSettings(leg(pep.get("satelliteLeg")), leg(pep.get("groundLeg")),
                pep.get("splice").bool(false), pep.get("options").list(List.of(), option -> option.text(null)),
                pep.get("linkAware").bool(true));
    }

    private static Scenario.LegSettings leg(Field leg) {
        if (!leg.present()) {
            return Scenario.LegSettings.DEFAULTS;
        }
        leg.object(LEG_FIELDS);
        return new Scenario.LegSettings(leg.get("congestionControl").text(null), leg.get("sendBuffer").bytes(0),
                leg.get("receiveBuffer").bytes(0));
    }

    /** Built-in modes by name, or modes defined in place: {@code {name, description, pep, set: {path: value}}}. */
    private static List<Mode> modes(Field modes) {
        List<Mode> list = modes.list(Mode.DEFAULTS, ScenarioFormat::mode);
        if (list.isEmpty()) {
            throw modes.error("list at least one mode (" + builtInNames() + ", or one defined in place)");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            if (!names.add(list.get(i).name())) {
                throw modes.elements().get(i).error("mode " + list.get(i).name() + " is listed twice");
            }
        }
        return list;
    }

    private static Mode mode(Field mode) {
        if (!mode.node().isObject()) {
            String name = mode.text(null);
            return Mode.builtIn(name).orElseThrow(() -> mode.error("unknown mode '" + name + "'; built in: "
                    + builtInNames() + "; or define one: {name: NAME, pep: true|false, set: {path: value}}"));
        }
        mode.object(MODE_FIELDS);
        Field nameField = mode.get("name");
        String name = nameField.requiredText();
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw nameField.error("a mode's name is lower-case letters, digits and '-' (it names points): " + name);
        }
        if (Mode.builtIn(name).isPresent()) {
            throw nameField.error("mode " + name + " is built in; name it without redefining it");
        }
        Field pep = mode.get("pep");
        pep.requirePresent();
        Map<String, JsonNode> overrides = new LinkedHashMap<>();
        Field set = mode.get("set");
        if (set.present()) {
            for (Map.Entry<String, Field> entry : set.entries().entrySet()) {
                String root = entry.getKey().split("\\.")[0];
                if (Mode.FIXED_FIELDS.contains(root)) {
                    throw entry.getValue().error("a mode cannot set " + root + ": it defines the run's points");
                }
                overrides.put(entry.getKey(), entry.getValue().node());
            }
        }
        return new Mode(name, mode.get("description").text(""), pep.bool(false), overrides);
    }

    private static String builtInNames() {
        return String.join(", ", Mode.BUILT_IN.stream().map(Mode::name).toList());
    }

    private static Map<String, List<JsonNode>> sweep(Field sweep) {
        Map<String, List<JsonNode>> values = new LinkedHashMap<>();
        if (!sweep.present()) {
            return values;
        }
        for (Map.Entry<String, Field> entry : sweep.entries().entrySet()) {
            String path = entry.getKey();
            if (path.equals("sweep") || path.startsWith("sweep.")) {
                throw entry.getValue().error("a sweep cannot sweep itself");
            }
            List<JsonNode> list = new ArrayList<>(entry.getValue().list(List.of(), Field::node));
            if (list.isEmpty()) {
                throw entry.getValue().error("a swept field needs at least one value");
            }
            values.put(path, list);
        }
        return values;
    }

    /** {@code health: {latenessP999: 1 ms, fail: false}}: what the link must have been like for a point to count. */
    private static Scenario.HealthSettings health(Field health) {
        Scenario.HealthSettings defaults = Scenario.HealthSettings.DEFAULT;
        if (!health.present()) {
            return defaults;
        }
        health.object(Set.of("latenessP999", "fail"));
        Duration lateness = health.get("latenessP999")
                .duration(Duration.ofNanos(Math.round(defaults.maxLatenessP999Millis() * 1e6)));
        return new Scenario.HealthSettings(lateness.toNanos() / 1e6, health.get("fail").bool(defaults.failPoint()));
    }

    private static Scenario.CalibrationSettings calibration(Field calibration) {
        Calibration.Tolerances defaults = Calibration.Tolerances.DEFAULT;
        if (!calibration.present()) {
            return new Scenario.CalibrationSettings(true, defaults);
        }
        calibration.object(Set.of("enabled", "rtt", "rate", "lossSigmas"));
        Duration rtt = calibration.get("rtt").duration(Duration.ofNanos(Math.round(defaults.rttMillis() * 1e6)));
        return new Scenario.CalibrationSettings(calibration.get("enabled").bool(true), new Calibration.Tolerances(
                rtt.toNanos() / 1e6, calibration.get("rate").probability(defaults.rateFraction()),
                calibration.get("lossSigmas").number(defaults.lossSigmas(), 0.1, 100)));
    }
}
