package org.pepsal.testbed.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.pepsal.testbed.link.LinkSpec;

import java.nio.file.Path;

/**
 * A link written on the command line in a scenario file's syntax ({@link LinkFormat}), the braces optional:
 * {@code 'rate: 20 Mbit/s, delay: 300 ms, loss: 1 %'} is one direction's fields, both ways alike (a scenario's
 * {@code down} with no {@code up}); {@code 'preset: geo, up: {rate: 5 Mbit/s}'} or {@code 'down: {...}, up:
 * {...}'} is a whole link. An error names the option and the field, as a scenario file's names file, line and
 * field.
 */
public final class LinkArgument {
    private LinkArgument() {
    }

    /**
     * @param option  the option's name, for errors ({@code --link})
     * @param baseDir where a {@code trace} path is resolved
     * @throws ScenarioException naming {@code option} and the field
     */
    public static LinkSpec parse(String option, String text, Path baseDir) throws ScenarioException {
        String body = text.strip();
        JsonNode parsed;
        try {
            parsed = ScenarioYaml.MAPPER.readTree(body.startsWith("{") ? body : "{" + body + "}");
        } catch (JsonProcessingException e) {
            throw new ScenarioException(option, 0, 0, "", "not a link such as 'rate: 20 Mbit/s, delay: 300 ms': "
                    + e.getOriginalMessage());
        }
        if (!(parsed instanceof ObjectNode fields) || fields.isEmpty()) {
            throw new ScenarioException(option, 0, 0, "", "not a link such as 'rate: 20 Mbit/s, delay: 300 ms'");
        }
        boolean wholeLink = LinkFormat.LINK_FIELDS.stream().anyMatch(fields::has);
        ObjectNode link = fields;
        if (!wholeLink) {
            link = JsonNodeFactory.instance.objectNode();
            link.set("down", fields);
        }
        try {
            return LinkFormat.parse(Field.root(link), baseDir, 1);
        } catch (FieldException e) {
            // One direction's fields name themselves, not the "down" they were read as.
            String field = wholeLink ? e.path() : e.path().equals("down") ? "" : e.path().substring("down.".length());
            throw new ScenarioException(option, 0, 0, field, e.getMessage());
        }
    }
}
