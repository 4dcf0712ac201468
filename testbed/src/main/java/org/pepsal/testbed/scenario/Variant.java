package org.pepsal.testbed.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One combination of the swept values: the scenario with those values set, validated on its own.
 *
 * @param id         {@code v01}, {@code v02}, ... in expansion order (stable across runs: resuming relies on it)
 * @param parameters swept field path → its value here (empty without a sweep)
 * @param document   the scenario document as run, to record in metadata.json
 * @param scenario   the variant without any mode's fields
 * @param byMode     mode name → the variant as that mode runs it (its {@link Mode#overrides()} applied)
 */
public record Variant(String id, Map<String, JsonNode> parameters, ObjectNode document, Scenario scenario,
                      Map<String, Scenario> byMode) {
    /** The variant as {@code mode} runs it. */
    public Scenario scenario(Mode mode) {
        Scenario scenario = byMode.get(mode.name());
        if (scenario == null) {
            throw new IllegalArgumentException("variant " + id + " has no mode " + mode.name());
        }
        return scenario;
    }

    /** The swept values as text, for the results' parameter columns. */
    public Map<String, String> parameterText() {
        Map<String, String> text = new LinkedHashMap<>();
        parameters.forEach((path, value) -> text.put(path, value.isValueNode() ? value.asText() : value.toString()));
        return text;
    }
}
