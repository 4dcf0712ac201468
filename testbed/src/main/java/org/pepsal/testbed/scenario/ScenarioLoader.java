package org.pepsal.testbed.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a scenario file: YAML → {@code --set} overrides → validation → sweep expansion into {@link Variant}s,
 * each validated on its own. Nothing is built here; every error names file, line, column and field.
 */
public final class ScenarioLoader {
    private ScenarioLoader() {
    }

    public static LoadedScenario load(Path file) throws ScenarioException {
        return load(file, List.of());
    }

    /** @param overrides {@code path=value} pairs; the value is YAML ({@code 0.01}, {@code 20 Mbit/s}, {@code [plain]}) */
    public static LoadedScenario load(Path file, List<String> overrides) throws ScenarioException {
        String origin = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ScenarioException(origin, 0, 0, "", "cannot read: " + e.getMessage());
        }
        SourceLocations locations;
        JsonNode parsed;
        try {
            locations = SourceLocations.index(text);
            parsed = ScenarioYaml.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new ScenarioException(origin, where == null ? 0 : where.getLineNr(), where == null ? 0 : where.getColumnNr(),
                    "", "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ScenarioException(origin, 0, 0, "", "not valid YAML: " + e.getMessage());
        }
        if (!(parsed instanceof ObjectNode document)) {
            throw new ScenarioException(origin, 1, 1, "", "a scenario is a mapping of fields (name, link, workload, ...)");
        }
        Map<String, Origin> replaced = new LinkedHashMap<>();
        for (String override : overrides) {
            applyOverride(document, override, replaced);
        }
        Errors errors = new Errors(origin, locations, replaced);
        Path baseDir = file.toAbsolutePath().getParent();
        Scenario scenario = errors.parse(document, baseDir);
        return new LoadedScenario(file, document, scenario, variants(document, scenario, baseDir, errors));
    }

    /** Every combination of the swept values, in the sweep's order; without a sweep, the scenario itself. */
    private static List<Variant> variants(ObjectNode document, Scenario scenario, Path baseDir, Errors errors)
            throws ScenarioException {
        List<Map<String, JsonNode>> combinations = new ArrayList<>();
        combinations.add(new LinkedHashMap<>());
        List<Map<String, Origin>> origins = new ArrayList<>();
        origins.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<JsonNode>> swept : scenario.sweep().entrySet()) {
            List<Map<String, JsonNode>> expanded = new ArrayList<>();
            List<Map<String, Origin>> expandedOrigins = new ArrayList<>();
            for (int c = 0; c < combinations.size(); c++) {
                for (int i = 0; i < swept.getValue().size(); i++) {
                    Map<String, JsonNode> combination = new LinkedHashMap<>(combinations.get(c));
                    combination.put(swept.getKey(), swept.getValue().get(i));
                    Map<String, Origin> origin = new LinkedHashMap<>(origins.get(c));
                    origin.put(swept.getKey(), errors.inFile(Field.elementPath(Field.childPath("sweep", swept.getKey()), i), "swept value"));
                    expanded.add(combination);
                    expandedOrigins.add(origin);
                }
            }
            combinations = expanded;
            origins = expandedOrigins;
        }
        List<Variant> variants = new ArrayList<>();
        for (int v = 0; v < combinations.size(); v++) {
            ObjectNode variantDocument = document.deepCopy();
            variantDocument.remove("sweep");
            for (Map.Entry<String, JsonNode> value : combinations.get(v).entrySet()) {
                errors.set(variantDocument, value.getKey(), value.getValue(), origins.get(v).get(value.getKey()));
            }
            Errors variantErrors = errors.withOrigins(origins.get(v));
            Scenario variantScenario = variantErrors.parse(variantDocument, baseDir);
            variants.add(new Variant(String.format("v%02d", v + 1), combinations.get(v), variantDocument, variantScenario,
                    byMode(variantDocument, variantScenario, baseDir, variantErrors)));
        }
        return variants;
    }

    /**
     * The variant as each mode runs it: the mode's fields set on the variant's document, validated like any
     * other value (an error names the mode's {@code set} entry).
     */
    private static Map<String, Scenario> byMode(ObjectNode variantDocument, Scenario variantScenario, Path baseDir,
                                                Errors errors) throws ScenarioException {
        Map<String, Scenario> byMode = new LinkedHashMap<>();
        List<Mode> modes = variantScenario.modes();
        for (int m = 0; m < modes.size(); m++) {
            Mode mode = modes.get(m);
            if (mode.overrides().isEmpty()) {
                byMode.put(mode.name(), variantScenario);
                continue;
            }
            ObjectNode modeDocument = variantDocument.deepCopy();
            Map<String, Origin> origins = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> override : mode.overrides().entrySet()) {
                Origin origin = errors.inFile(Field.childPath(Field.elementPath("modes", m) + ".set", override.getKey()),
                        "set by mode " + mode.name());
                errors.set(modeDocument, override.getKey(), override.getValue(), origin);
                origins.put(override.getKey(), origin);
            }
            byMode.put(mode.name(), errors.withOrigins(origins).parse(modeDocument, baseDir));
        }
        return byMode;
    }

    private static void applyOverride(ObjectNode document, String override, Map<String, Origin> replaced)
            throws ScenarioException {
        String origin = "--set " + override;
        int equals = override.indexOf('=');
        if (equals <= 0) {
            throw new ScenarioException(origin, 0, 0, "", "expected --set path=value, e.g. --set link.down.loss=0.01");
        }
        String path = override.substring(0, equals).strip();
        JsonNode value;
        try {
            value = ScenarioYaml.MAPPER.readTree(override.substring(equals + 1));
        } catch (JsonProcessingException e) {
            throw new ScenarioException(origin, 0, 0, path, "the value is not YAML: " + e.getOriginalMessage());
        }
        if (value == null || value.isMissingNode()) {
            throw new ScenarioException(origin, 0, 0, path, "no value after '='");
        }
        Origin from = new Origin(origin, null, null);
        new Errors(origin, null, Map.of()).set(document, path, value, from);
        replaced.put(path, from);
    }

    /**
     * Where a value was written: a file location, or a command-line option (no location).
     *
     * @param note what the value was, when not the field itself (a swept value), else null
     */
    private record Origin(String source, JsonLocation location, String note) {
    }

    /** Turns a {@link FieldException}'s path into the place the offending value was written. */
    private record Errors(String file, SourceLocations locations, Map<String, Origin> replaced) {
        Errors withOrigins(Map<String, Origin> more) {
            Map<String, Origin> all = new LinkedHashMap<>(replaced);
            all.putAll(more);
            return new Errors(file, locations, all);
        }

        Origin inFile(String path, String note) {
            return inFile(path, false, note);
        }

        Origin inFile(String path, boolean key, String note) {
            return new Origin(file, locations.locate(path, key), note);
        }

        Scenario parse(ObjectNode document, Path baseDir) throws ScenarioException {
            try {
                return ScenarioFormat.parse(document, baseDir);
            } catch (FieldException e) {
                throw exception(e.path(), e.aboutKey(), e.getMessage());
            }
        }

        /** Sets {@code path} in {@code document}, creating the mappings on the way. */
        void set(ObjectNode document, String path, JsonNode value, Origin origin) throws ScenarioException {
            List<String> keys = keys(path);
            ObjectNode node = document;
            String walked = "";
            for (String key : keys.subList(0, keys.size() - 1)) {
                walked = Field.childPath(walked, key);
                JsonNode child = node.get(key);
                if (child == null) {
                    child = node.putObject(key);
                } else if (!child.isObject()) {
                    throw located(origin, path, walked + " is not a mapping, so it has no field "
                            + path.substring(walked.length() + 1));
                }
                node = (ObjectNode) child;
            }
            node.set(keys.get(keys.size() - 1), value);
        }

        /** A path's keys; a sysctl's name keeps its dots ({@code hosts.all.sysctls.net.ipv4.tcp_ecn}). */
        private static List<String> keys(String path) {
            List<String> keys = new ArrayList<>();
            String[] parts = path.split("\\.");
            for (int i = 0; i < parts.length; i++) {
                if (i > 0 && parts[i - 1].equals("sysctls")) {
                    keys.add(String.join(".", List.of(parts).subList(i, parts.length)));
                    break;
                }
                keys.add(parts[i]);
            }
            return keys;
        }

        private ScenarioException exception(String path, boolean key, String problem) {
            for (Map.Entry<String, Origin> entry : replaced.entrySet()) {
                String changed = entry.getKey();
                if (path.equals(changed) || path.startsWith(changed + ".") || path.startsWith(changed + "[")) {
                    return located(entry.getValue(), path, problem);
                }
            }
            return located(inFile(path, key, null), path, problem);
        }

        private static ScenarioException located(Origin origin, String path, String problem) {
            JsonLocation where = origin.location();
            return new ScenarioException(origin.source(), where == null ? 0 : where.getLineNr(),
                    where == null ? 0 : where.getColumnNr(), path, origin.note() == null ? problem : problem + " (" + origin.note() + ")");
        }
    }
}
