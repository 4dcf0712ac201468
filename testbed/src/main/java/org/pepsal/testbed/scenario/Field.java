package org.pepsal.testbed.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A value of a scenario document together with its path, read with the type and range its field needs. Every
 * failure is a {@link FieldException} naming the path, so an error always points at the offending field.
 */
final class Field {
    private final JsonNode node;
    private final String path;

    private Field(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    static Field root(JsonNode document) {
        return new Field(document, "");
    }

    /** The path of a child: {@code parent.key}. Shared with the location index, so both agree on names. */
    static String childPath(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String elementPath(String parent, int index) {
        return parent + "[" + index + "]";
    }

    String path() {
        return path;
    }

    /** The same field with another value, e.g. after merging in a preset: errors keep naming this path. */
    Field withNode(JsonNode replacement) {
        return new Field(replacement, path);
    }

    JsonNode node() {
        return node;
    }

    boolean present() {
        return !node.isMissingNode();
    }

    FieldException error(String message) {
        return new FieldException(path, message);
    }

    /** An error about this field's key (a name the file chose), located at the key rather than its value. */
    FieldException keyError(String message) {
        return new FieldException(path, message, true);
    }

    /** This field as a mapping whose keys must all be among {@code allowed}. */
    Field object(Set<String> allowed) {
        requireObject();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new FieldException(childPath(path, name), "unknown field '" + name + "'; known here: "
                        + String.join(", ", allowed.stream().sorted().toList()), true);
            }
        }
        return this;
    }

    Field get(String key) {
        requireObject();
        JsonNode child = node.get(key);
        return new Field(child == null ? MissingNode.getInstance() : child, childPath(path, key));
    }

    /** The entries of a mapping, in file order. */
    Map<String, Field> entries() {
        requireObject();
        Map<String, Field> entries = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> entries.put(e.getKey(), new Field(e.getValue(), childPath(path, e.getKey()))));
        return entries;
    }

    List<Field> elements() {
        if (!node.isArray()) {
            throw error("expected a list, not " + describe());
        }
        List<Field> elements = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            elements.add(new Field(node.get(i), elementPath(path, i)));
        }
        return elements;
    }

    <T> List<T> list(List<T> absent, Function<Field, T> element) {
        return present() ? elements().stream().map(element).toList() : absent;
    }

    String text(String absent) {
        if (!present()) {
            return absent;
        }
        if (!node.isTextual()) {
            throw error("expected text, not " + describe());
        }
        return node.textValue();
    }

    String requiredText() {
        requirePresent();
        return text(null);
    }

    long integer(long absent, long min, long max) {
        if (!present()) {
            return absent;
        }
        if (!node.isIntegralNumber()) {
            throw error("expected a whole number, not " + describe());
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw error("must be within " + min + " .. " + max + ", not " + value);
        }
        return value;
    }

    double number(double absent, double min, double max) {
        if (!present()) {
            return absent;
        }
        if (!node.isNumber()) {
            throw error("expected a number, not " + describe());
        }
        double value = node.doubleValue();
        if (!(value >= min && value <= max)) {
            throw error("must be within " + min + " .. " + max + ", not " + value);
        }
        return value;
    }

    boolean bool(boolean absent) {
        if (!present()) {
            return absent;
        }
        if (!node.isBoolean()) {
            throw error("expected true or false, not " + describe());
        }
        return node.booleanValue();
    }

    Duration duration(Duration absent) {
        return present() ? parse(Quantities::duration) : absent;
    }

    long bitsPerSecond(long absent) {
        return present() ? parse(Quantities::bitsPerSecond) : absent;
    }

    long bytes(long absent) {
        return present() ? parse(Quantities::bytes) : absent;
    }

    double probability(double absent) {
        return present() ? parse(Quantities::probability) : absent;
    }

    /** One of {@code choices} (the file's spelling → the value). */
    <T> T choice(T absent, Map<String, T> choices) {
        if (!present()) {
            return absent;
        }
        T value = choices.get(text(null));
        if (value == null) {
            throw error("expected one of " + String.join(", ", choices.keySet()) + ", not " + describe());
        }
        return value;
    }

    /** A scalar with a unit, given either as text or as a bare number. */
    private <T> T parse(Function<String, T> parser) {
        if (!node.isTextual() && !node.isNumber()) {
            throw error("expected a value such as '300 ms', not " + describe());
        }
        try {
            return parser.apply(node.asText());
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    void requirePresent() {
        if (!present()) {
            throw error("missing (required)");
        }
    }

    private void requireObject() {
        requirePresent();
        if (!node.isObject()) {
            throw error("expected a mapping of fields, not " + describe());
        }
    }

    private String describe() {
        if (node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "an empty value";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return (node.isTextual() ? "text " : node.isBoolean() ? "boolean " : "number ") + "'" + node.asText() + "'";
    }
}
