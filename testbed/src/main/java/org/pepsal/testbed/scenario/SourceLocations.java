package org.pepsal.testbed.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of a YAML document was written, by the same paths {@link Field} uses, so that an error
 * about {@code link.down.delay} can name its line and column. Built from the parser's token locations.
 */
final class SourceLocations {
    private final Map<String, JsonLocation> keys;
    private final Map<String, JsonLocation> values;

    private SourceLocations(Map<String, JsonLocation> keys, Map<String, JsonLocation> values) {
        this.keys = keys;
        this.values = values;
    }

    /** @throws IOException if the text is not YAML (the loader reports the parser's own location) */
    static SourceLocations index(String yaml) throws IOException {
        Map<String, JsonLocation> keys = new HashMap<>();
        Map<String, JsonLocation> values = new HashMap<>();
        try (JsonParser parser = ScenarioYaml.MAPPER.getFactory().createParser(yaml)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    continue;
                }
                JsonStreamContext context = parser.getParsingContext();
                // A container's start token already opened the container's own context: its path is the parent's.
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    context = context.getParent();
                }
                (token == JsonToken.FIELD_NAME ? keys : values).put(path(context), parser.currentTokenLocation());
            }
        }
        return new SourceLocations(keys, values);
    }

    private static String path(JsonStreamContext context) {
        if (context == null || context.inRoot()) {
            return "";
        }
        String parent = path(context.getParent());
        if (context.inArray()) {
            return Field.elementPath(parent, context.getCurrentIndex());
        }
        return context.getCurrentName() == null ? parent : Field.childPath(parent, context.getCurrentName());
    }

    /**
     * The location of {@code path}'s value (or of its key: where an unknown field is named), or else of its
     * nearest written ancestor (for a missing field: its parent).
     */
    JsonLocation locate(String path, boolean key) {
        for (String p = path; ; p = parent(p)) {
            JsonLocation location = key ? keys.getOrDefault(p, values.get(p)) : values.getOrDefault(p, keys.get(p));
            if (location != null || p.isEmpty()) {
                return location;
            }
        }
    }

    static String parent(String path) {
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
