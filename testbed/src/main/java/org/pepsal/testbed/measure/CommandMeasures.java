package org.pepsal.testbed.measure;

import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.Scenario;
import org.pepsal.testbed.traffic.UserCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * A command workload's rows, end to end (the user's program sees the whole path): the client's exit status, its
 * wall time, and each number the scenario's regexes find in its stdout (the first group of the last match), as
 * {@code command_<name>}. Like a flow, a client that failed or timed out is a result, not a failed point: its
 * rows carry its state, a timed-out one's wall time is a lower bound ("&gt; 60 s") and its cut-off output is not
 * read. The point fails when the measurement itself is broken: sh could not run the client (exit 126 or 127),
 * a client that completed printed no number for a metric, or a match is not a number.
 */
public final class CommandMeasures {
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";
    static final String TIMED_OUT = "timed-out";
    /** sh's own statuses: the command was found but is not executable (126), or was not found (127). */
    private static final Map<Integer, String> NOT_RUN = Map.of(126, "not executable", 127, "not found");

    private CommandMeasures() {
    }

    public static Measured of(Point point, Scenario.Command spec, UserCommand.Outcome outcome) {
        List<Measurement> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        String state = outcome.timedOut() ? TIMED_OUT : outcome.exitStatus() == 0 ? COMPLETED : FAILED;
        String note = outcome.timedOut() ? "killed at its timeout of " + spec.timeout().toSeconds() + " s"
                : outcome.exitStatus() != 0 ? lastLine(outcome.stderr()) : "";
        rows.add(Measurement.of(point, Legs.END_TO_END, Metrics.COMMAND_EXIT_STATUS, outcome.exitStatus(),
                Metrics.COUNT).withState(state).withNote(note));
        Measurement wall = Measurement.of(point, Legs.END_TO_END, Metrics.COMMAND_WALL_TIME,
                outcome.wallTime().toNanos() / 1e9, Metrics.SECONDS).withState(state);
        rows.add(outcome.timedOut() ? wall.lowerBound() : wall);
        if (outcome.timedOut()) {
            return new Measured(rows, List.of());
        }
        String notRun = NOT_RUN.get(outcome.exitStatus());
        if (notRun != null) {
            failures.add("command: sh could not run the client (exit " + outcome.exitStatus() + ": " + notRun + "): "
                    + spec.client() + "\n" + outcome.stderr().strip());
        }
        for (Scenario.CommandMetric metric : spec.metrics()) {
            String found = lastMatch(metric, outcome.stdout());
            if (found == null) {
                if (state.equals(COMPLETED)) {
                    failures.add("command: metric " + metric.name() + ": no match of '" + metric.regex().pattern()
                            + "' in the client's stdout");
                }
                continue;
            }
            try {
                rows.add(Measurement.of(point, Legs.END_TO_END, Metrics.command(metric.name()),
                        Double.parseDouble(found.strip()), metric.unit()).withState(state));
            } catch (NumberFormatException e) {
                failures.add("command: metric " + metric.name() + ": '" + found + "' (the first group of '"
                        + metric.regex().pattern() + "') is not a number");
            }
        }
        return new Measured(rows, List.of(), failures);
    }

    /** The first group of the last match, or null when there is none (or the group took no part in it). */
    private static String lastMatch(Scenario.CommandMetric metric, String stdout) {
        Matcher matcher = metric.regex().matcher(stdout);
        String found = null;
        while (matcher.find()) {
            found = matcher.group(1);
        }
        return found;
    }

    private static String lastLine(String text) {
        List<String> lines = text.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
    }
}
