package org.pepsal.testbed.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How a scenario file writes its workload:
 * <pre>
 * workload:
 *   bulk: {duration: 30 s, omit: 2 s, streams: 1, direction: download}   # or size: 10 MB, timeout: 300 s
 *   flows: {sizes: [10 KB, 1 MB], repeat: 3, timeout: 120 s}
 *   command: {server: 'CMD', client: 'CMD', timeout: 60 s, metrics: {name: 'regex', name2: {regex: '...', unit: s}}}
 * </pre>
 * Both bulk and flows at once make a mix; a command runs alone (its own traffic would share the link with
 * theirs, and neither result would say what it measured).
 */
final class WorkloadFormat {
    private static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern METRIC_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    /** The rows every command workload records itself (command_exit_status, command_wall_time). */
    private static final Set<String> RESERVED_METRICS = Set.of("exit_status", "wall_time");

    private WorkloadFormat() {
    }

    static Scenario.Workload parse(Field workload) {
        workload.requirePresent();
        workload.object(Set.of("bulk", "flows", "command"));
        Field bulk = workload.get("bulk");
        Field flows = workload.get("flows");
        Field command = workload.get("command");
        if (command.present()) {
            if (bulk.present() || flows.present()) {
                throw command.error("a command workload runs alone: drop bulk and flows, or the command");
            }
            return new Scenario.Workload(null, null, command(command));
        }
        if (!bulk.present() && !flows.present()) {
            throw workload.error("name a bulk or a flows workload, or both (a mix), or a command");
        }
        return new Scenario.Workload(bulk.present() ? bulk(bulk) : null, flows.present() ? flows(flows) : null, null);
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

    private static Scenario.Command command(Field command) {
        command.object(Set.of("server", "client", "timeout", "metrics"));
        String client = commandLine(command.get("client"), "an empty command line");
        Field serverField = command.get("server");
        String server = serverField.present()
                ? commandLine(serverField, "an empty command line (leave the field out for no server)") : null;
        List<Scenario.CommandMetric> metrics = new ArrayList<>();
        Field metricsField = command.get("metrics");
        if (metricsField.present()) {
            metricsField.entries().forEach((name, metric) -> metrics.add(metric(name, metric)));
        }
        return new Scenario.Command(server, client, positive(command.get("timeout"), DEFAULT_TIMEOUT),
                List.copyOf(metrics));
    }

    private static String commandLine(Field field, String blank) {
        String line = field.requiredText();
        if (line.isBlank()) {
            throw field.error(blank);
        }
        return line;
    }

    /** {@code name: 'regex'} or {@code name: {regex: '...', unit: ms}}; the regex's first group is the number. */
    private static Scenario.CommandMetric metric(String name, Field metric) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw metric.keyError("a metric's name is lower-case letters, digits and '_', "
                    + "starting with a letter (results.csv names its row command_" + name + ")");
        }
        if (RESERVED_METRICS.contains(name)) {
            throw metric.keyError("'" + name + "' is the command's own row (command_" + name
                    + "); name the metric otherwise");
        }
        boolean withUnit = metric.node().isObject();
        Field regexField = withUnit ? metric.object(Set.of("regex", "unit")).get("regex") : metric;
        String unit = withUnit ? metric.get("unit").text("") : "";
        Pattern regex;
        try {
            regex = Pattern.compile(regexField.requiredText(), Pattern.MULTILINE);
        } catch (PatternSyntaxException e) {
            throw regexField.error("not a regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
        if (regex.matcher("").groupCount() < 1) {
            throw regexField.error("needs a group around the number, e.g. 'time: ([0-9.]+) s'");
        }
        return new Scenario.CommandMetric(name, regex, unit);
    }
}
