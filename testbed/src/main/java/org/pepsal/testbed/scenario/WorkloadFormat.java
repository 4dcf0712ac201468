package org.pepsal.testbed.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a scenario file writes its workload:
 * <pre>
 * workload:
 *   bulk: {duration: 30 s, omit: 2 s, streams: 1, direction: download}   # or size: 10 MB, timeout: 300 s
 *   flows: {sizes: [10 KB, 1 MB], repeat: 3, timeout: 120 s}
 * </pre>
 * Both sections at once make a mix.
 */
final class WorkloadFormat {
    private static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    private WorkloadFormat() {
    }

    static Scenario.Workload parse(Field workload) {
        workload.requirePresent();
        workload.object(Set.of("bulk", "flows"));
        Field bulk = workload.get("bulk");
        Field flows = workload.get("flows");
        if (!bulk.present() && !flows.present()) {
            throw workload.error("name a bulk or a flows workload, or both (a mix)");
        }
        return new Scenario.Workload(bulk.present() ? bulk(bulk) : null, flows.present() ? flows(flows) : null);
    }

    private static Scenario.Bulk bulk(Field bulk) {
        bulk.object(Set.of("duration", "size", "timeout", "omit", "streams", "direction"));
        Field durationField = bulk.get("duration");
        Field sizeField = bulk.get("size");
        Field timeoutField = bulk.get("timeout");
        if (sizeField.present() && durationField.present()) {
            throw sizeField.error("give a duration or a size (a fixed-size download), not both");
        }
        if (timeoutField.present() && !sizeField.present()) {
            throw timeoutField.error("a timeout bounds a fixed-size transfer: give a size too");
        }
        Duration duration = wholeSeconds(durationField, DEFAULT_DURATION, 1);
        long size = sizeField.bytes(0);
        Duration timeout = positive(timeoutField, DEFAULT_TIMEOUT);
        Field omitField = bulk.get("omit");
        Duration omit = wholeSeconds(omitField, Duration.ZERO, 0);
        if (size == 0 && omit.compareTo(duration) >= 0) {
            throw omitField.error("must be shorter than the duration (" + duration.toSeconds() + " s)");
        }
        return new Scenario.Bulk(duration, size, timeout, (int) omit.toSeconds(),
                (int) bulk.get("streams").integer(1, 1, 128),
                bulk.get("direction").choice(Scenario.Direction.DOWNLOAD,
                        Map.of("download", Scenario.Direction.DOWNLOAD, "upload", Scenario.Direction.UPLOAD)));
    }

    private static Duration wholeSeconds(Field field, Duration absent, long minimum) {
        Duration value = field.duration(absent);
        if (value.toSeconds() < minimum || value.toNanos() % 1_000_000_000L != 0) {
            throw field.error("iperf3 counts whole seconds: at least " + minimum + " s, in whole seconds");
        }
        return value;
    }

    private static Duration positive(Field field, Duration absent) {
        Duration value = field.duration(absent);
        if (value.isZero()) {
            throw field.error("must be positive");
        }
        return value;
    }

    private static Scenario.Flows flows(Field flows) {
        flows.object(Set.of("sizes", "repeat", "timeout"));
        Field sizes = flows.get("sizes");
        sizes.requirePresent();
        List<Long> bytes = sizes.list(List.of(), size -> size.bytes(0));
        if (bytes.isEmpty()) {
            throw sizes.error("needs at least one size");
        }
        return new Scenario.Flows(bytes, (int) flows.get("repeat").integer(1, 1, 10_000),
                positive(flows.get("timeout"), DEFAULT_TIMEOUT));
    }
}
