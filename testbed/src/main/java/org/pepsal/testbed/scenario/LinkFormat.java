package org.pepsal.testbed.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.pepsal.testbed.link.DeliveryTrace;
import org.pepsal.testbed.link.LinkDirection;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.link.LossModel;
import org.pepsal.testbed.link.QueueLimit;
import org.pepsal.testbed.link.Schedule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a scenario file writes a link of the link model ({@link LinkSpec}):
 * <pre>
 * link:
 *   preset: geo                  # optional: a named link (link-presets.yaml); the fields below change it
 *   down: {rate: 20 Mbit/s, delay: 300 ms, jitter: 0 ms, loss: 1 %, queue: 500 packets, mtu: 1500}
 *   up: {rate: 5 Mbit/s}         # only what differs from down
 *   schedule:                    # changes over time, each relative to the step before
 *     - {at: 15 s, down: {delay: 30 ms}}
 * </pre>
 * {@code up} lists only what differs from {@code down}, in every layer (preset, file, schedule step), so a
 * sweep of {@code link.down.loss} changes both directions unless {@code up} names its own loss.
 */
final class LinkFormat {
    static final Set<String> LINK_FIELDS = Set.of("preset", "down", "up", "schedule");
    static final Set<String> DIRECTION_FIELDS = Set.of("rate", "delay", "jitter", "loss", "queue", "mtu", "reordering", "trace");
    private static final Set<String> STEP_FIELDS = Set.of("at", "down", "up");
    private static final Set<String> GILBERT_ELLIOTT_FIELDS = Set.of("model", "p", "r", "lossInGood", "lossInBad");
    private static final ObjectNode PRESETS = loadPresets();

    private LinkFormat() {
    }

    /** The named links a scenario may start from. */
    static Set<String> presetNames() {
        Set<String> names = new TreeSet<>();
        PRESETS.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** @param baseDir where a {@code trace} path is resolved: the scenario file's folder */
    static LinkSpec parse(Field link, Path baseDir, long seed) {
        link.object(LINK_FIELDS);
        ObjectNode down = JsonNodeFactory.instance.objectNode();
        ObjectNode upChanges = JsonNodeFactory.instance.objectNode();
        Field preset = link.get("preset");
        if (preset.present()) {
            JsonNode named = PRESETS.get(preset.requiredText());
            if (named == null) {
                throw preset.error("unknown link preset '" + preset.node().asText() + "'; known: " + presetNames());
            }
            down.setAll(objectOrEmpty(named.get("down")));
            upChanges.setAll(objectOrEmpty(named.get("up")));
        }
        Field downField = link.get("down");
        Field upField = link.get("up");
        layer(down, downField);
        layer(upChanges, upField);
        if (down.isEmpty()) {
            throw downField.error("missing (required unless a preset gives it)");
        }
        LinkDirection aToB = direction(downField.withNode(down), baseDir, rtt(down, up(down, upChanges)));
        LinkDirection bToA = direction(upField.withNode(up(down, upChanges)), baseDir, rtt(down, up(down, upChanges)));

        List<Schedule.Step> steps = new ArrayList<>();
        for (Field step : link.get("schedule").list(List.of(), step -> step)) {
            step.object(STEP_FIELDS);
            Duration at = step.get("at").duration(null);
            if (at == null) {
                throw step.get("at").error("missing (required)");
            }
            layer(down, step.get("down"));
            layer(upChanges, step.get("up"));
            Duration rtt = rtt(down, up(down, upChanges));
            steps.add(new Schedule.Step(at, direction(step.get("down").withNode(down), baseDir, rtt),
                    direction(step.get("up").withNode(up(down, upChanges)), baseDir, rtt)));
        }
        return new LinkSpec(aToB, bToA, new Schedule(steps), seed);
    }

    /** Adds a layer's fields to {@code settings}; each field replaces the one before it whole. */
    private static void layer(ObjectNode settings, Field changes) {
        if (changes.present()) {
            changes.object(DIRECTION_FIELDS);
            settings.setAll((ObjectNode) changes.node());
        }
    }

    private static ObjectNode up(ObjectNode down, ObjectNode upChanges) {
        ObjectNode up = down.deepCopy();
        up.setAll(upChanges);
        return up;
    }

    private static ObjectNode objectOrEmpty(JsonNode node) {
        return node == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) node;
    }

    /**
     * The link's round trip (both one-way delays), for a queue given as a fraction of the bandwidth-delay product;
     * null when a delay is missing or wrong (the direction's own parse then says so).
     */
    private static Duration rtt(ObjectNode down, ObjectNode up) {
        try {
            return Quantities.duration(down.path("delay").asText()).plus(Quantities.duration(up.path("delay").asText()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * One direction, every field merged: rate (or trace) and delay are required, the rest has defaults.
     *
     * @param bdpRtt the round trip a queue given in BDPs is counted over (the link's base RTT)
     */
    static LinkDirection direction(Field field, Path baseDir, Duration bdpRtt) {
        field.object(DIRECTION_FIELDS);
        Field rate = field.get("rate");
        Field traceField = field.get("trace");
        DeliveryTrace trace = null;
        if (traceField.present()) {
            if (rate.present()) {
                throw traceField.error("give either a rate or a trace (whose mean is the rate), not both");
            }
            trace = readTrace(traceField, baseDir);
        } else {
            rate.requirePresent();
        }
        Field delayField = field.get("delay");
        delayField.requirePresent();
        Duration delay = delayField.duration(null);
        Duration jitter = field.get("jitter").duration(Duration.ZERO);
        if (jitter.compareTo(delay) > 0) {
            throw field.get("jitter").error("jitter must not exceed the delay (" + delay.toMillis() + " ms)");
        }
        long bitsPerSecond = trace == null ? rate.bitsPerSecond(0) : trace.meanRateBitsPerSecond();
        LinkDirection direction = new LinkDirection(bitsPerSecond, delay, jitter, loss(field.get("loss")),
                queue(field.get("queue"), bitsPerSecond, bdpRtt),
                (int) field.get("mtu").integer(LinkDirection.DEFAULT_MTU, 68, 9000),
                field.get("reordering").bool(false), null);
        return trace == null ? direction : direction.withTrace(trace);
    }

    /** {@code 0.01} or {@code 1 %} (Bernoulli), or {@code {model: gilbert-elliott, p, r, lossInGood, lossInBad}}. */
    private static LossModel loss(Field loss) {
        if (!loss.present()) {
            return LossModel.none();
        }
        if (!loss.node().isObject()) {
            double p = loss.probability(0);
            return p == 0 ? LossModel.none() : new LossModel.Bernoulli(p);
        }
        loss.object(GILBERT_ELLIOTT_FIELDS);
        Field model = loss.get("model");
        model.requirePresent();
        model.choice(null, Map.of("gilbert-elliott", true));
        double p = loss.get("p").probability(-1);
        double r = loss.get("r").probability(-1);
        if (p < 0 || r < 0) {
            throw loss.error("Gilbert-Elliott needs p and r");
        }
        if (p + r == 0) {
            throw loss.get("r").error("p + r must be positive, else the state never changes");
        }
        return new LossModel.GilbertElliott(p, r, loss.get("lossInGood").probability(0), loss.get("lossInBad").probability(1));
    }

    /**
     * {@code 500 packets}, a size ({@code 1 MB}), or a fraction of the bandwidth-delay product ({@code 0.5 BDP},
     * {@code 50 % BDP}: rate × the link's base RTT, in bytes); absent: one BDP.
     */
    private static QueueLimit queue(Field queue, long bitsPerSecond, Duration bdpRtt) {
        if (!queue.present()) {
            return null;
        }
        String text = queue.node().asText().strip();
        if (text.endsWith("BDP")) {
            double fraction;
            try {
                fraction = Quantities.fraction(text.substring(0, text.length() - "BDP".length()));
            } catch (IllegalArgumentException e) {
                throw queue.error("expected a fraction of the BDP such as '0.5 BDP' or '50 % BDP', not '" + text + "'");
            }
            long bytes = bdpRtt == null ? 0 : Math.round(fraction * bitsPerSecond / 8.0 * bdpRtt.toNanos() / 1e9);
            if (bytes < 1) {
                throw queue.error(text + " of a " + Quantities.formatRate(bitsPerSecond) + " link is less than a byte");
            }
            return QueueLimit.bytes(bytes);
        }
        if (text.endsWith("packets")) {
            String count = text.substring(0, text.length() - "packets".length()).strip();
            if (!count.matches("[0-9]+") || Long.parseLong(count) < 1) {
                throw queue.error("expected a positive packet count such as '500 packets', not '" + text + "'");
            }
            return QueueLimit.packets(Long.parseLong(count));
        }
        return QueueLimit.bytes(queue.bytes(0));
    }

    private static DeliveryTrace readTrace(Field trace, Path baseDir) {
        Path file = baseDir.resolve(trace.requiredText());
        if (!Files.isRegularFile(file)) {
            throw trace.error("no trace file at " + file);
        }
        try {
            return DeliveryTrace.read(file);
        } catch (IOException | IllegalArgumentException e) {
            throw trace.error("not a Mahimahi trace: " + e.getMessage());
        }
    }

    private static ObjectNode loadPresets() {
        try (InputStream in = LinkFormat.class.getResourceAsStream("link-presets.yaml")) {
            return (ObjectNode) ScenarioYaml.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the link presets", e);
        }
    }
}
