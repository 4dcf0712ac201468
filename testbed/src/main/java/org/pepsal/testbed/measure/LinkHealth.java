package org.pepsal.testbed.measure;

import org.pepsal.testbed.link.LinkStats;
import org.pepsal.testbed.scenario.Point;
import org.pepsal.testbed.scenario.Scenario;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The link's own health beside every point: each direction's emulator statistics ({@link LinkStats}) as rows,
 * and a verdict per direction, all counted from the workload's start (the link resets them there, calibration
 * left out). A direction whose lateness p99.9 exceeds the scenario's limit, or that dropped packets outside its
 * queue rule (the queue's tail drop and the configured loss are the rule; packets the emulator had no buffer
 * for, could not write, or never read because the kernel's TUN ring overflowed are not), is flagged; with
 * {@code health.fail} the point fails. {@link #point} sums the directions up into one verdict per point.
 *
 * <p>The mapping from LinkStats to rows is {@link #FIELDS}, one line per field: a field the link adds is one line
 * here (a test fails until it is).
 */
public final class LinkHealth {
    /** What a LinkStats field is: a counter, a counter of drops outside the queue rule, or a lateness quantile. */
    enum Kind { COUNT, UNRULY_DROPS, LATENESS }

    /** One LinkStats.Direction component: its accessor's name, its metric, what kind of figure it is. */
    record Field(String component, String metric, Kind kind) {
    }

    static final List<Field> FIELDS = List.of(
            new Field("received", "link_packets_received", Kind.COUNT),
            new Field("delivered", "link_packets_delivered", Kind.COUNT),
            new Field("tailDrops", "link_tail_drops", Kind.COUNT),
            new Field("lossDrops", "link_loss_drops", Kind.COUNT),
            new Field("bufferDrops", "link_buffer_drops", Kind.UNRULY_DROPS),
            new Field("tunOverflows", "link_tun_overflows", Kind.UNRULY_DROPS),
            new Field("writeErrors", "link_write_errors", Kind.UNRULY_DROPS),
            new Field("stepsApplied", "link_steps_applied", Kind.COUNT),
            new Field("latenessP50Millis", "link_lateness_p50", Kind.LATENESS),
            new Field("latenessP99Millis", "link_lateness_p99", Kind.LATENESS),
            new Field("latenessP999Millis", "link_lateness_p999", Kind.LATENESS),
            new Field("latenessMaxMillis", "link_lateness_max", Kind.LATENESS));
    private static final String CHECKED_QUANTILE = "latenessP999Millis";
    public static final String OK = "ok";
    public static final String FLAGGED = "flagged";
    public static final String UNAVAILABLE = "unavailable";

    private LinkHealth() {
    }

    /**
     * @param name   the link: {@link Legs#SATELLITE} or {@link Legs#TERRESTRIAL}
     * @param stats the statistics as the workload ended (empty: the backend keeps none)
     */
    public static Measured of(Point point, String name, String backend, Optional<LinkStats> stats,
                              Scenario.HealthSettings limits) {
        List<Measurement> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        if (stats.isEmpty()) {
            for (String direction : List.of("down", "up")) {
                rows.add(Measurement.of(point, Legs.link(name, direction), Metrics.LINK_HEALTH, 0,
                        Metrics.COUNT).withState(UNAVAILABLE).withNote("the " + backend + " backend keeps no statistics"));
            }
            return new Measured(rows, List.of());
        }
        for (String direction : List.of("down", "up")) {
            LinkStats.Direction counted = direction.equals("down") ? stats.get().aToB() : stats.get().bToA();
            String leg = Legs.link(name, direction);
            List<String> flags = new ArrayList<>();
            long unruly = 0;
            List<String> unrulyParts = new ArrayList<>();
            for (Field field : FIELDS) {
                double value = value(counted, field.component());
                rows.add(Measurement.of(point, leg, field.metric(), value,
                        field.kind() == Kind.LATENESS ? Metrics.MILLISECONDS : Metrics.COUNT));
                if (field.kind() == Kind.UNRULY_DROPS && value > 0) {
                    unruly += (long) value;
                    unrulyParts.add(field.metric() + " " + (long) value);
                }
                if (field.component().equals(CHECKED_QUANTILE) && value > limits.maxLatenessP999Millis()) {
                    flags.add(String.format("lateness p99.9 %.3f ms > %.3f ms", value, limits.maxLatenessP999Millis()));
                }
            }
            if (unruly > 0) {
                flags.add(unruly + " packet(s) dropped outside the queue rule (" + String.join(", ", unrulyParts) + ")");
            }
            String note = String.join("; ", flags);
            rows.add(Measurement.of(point, leg, Metrics.LINK_HEALTH, flags.isEmpty() ? 1 : 0, Metrics.COUNT)
                    .withState(flags.isEmpty() ? OK : FLAGGED).withNote(note));
            if (!flags.isEmpty() && limits.failPoint()) {
                failures.add("the " + leg + " link was unhealthy: " + note);
            }
        }
        return new Measured(rows, List.of(), failures);
    }

    /**
     * The point's verdict from its link directions' ({@link Metrics#LINK_HEALTH} rows): {@code flagged} when any
     * direction was, its note naming each; {@code ok} when every direction with statistics was fine;
     * {@code unavailable} when no direction had statistics (nothing could be checked).
     */
    public static Measurement point(Point point, List<Measurement> rows) {
        List<Measurement> directions = rows.stream().filter(m -> m.metric().equals(Metrics.LINK_HEALTH)).toList();
        List<String> flagged = directions.stream().filter(m -> m.state().equals(FLAGGED))
                .map(m -> m.leg() + ": " + m.note()).toList();
        boolean checked = directions.stream().anyMatch(m -> m.state().equals(OK));
        String state = !flagged.isEmpty() ? FLAGGED : checked ? OK : UNAVAILABLE;
        return Measurement.of(point, Legs.POINT, Metrics.POINT_HEALTH, flagged.isEmpty() ? 1 : 0, Metrics.COUNT)
                .withState(state).withNote(String.join("; ", flagged));
    }

    /** A LinkStats.Direction component's value, by name. */
    static double value(LinkStats.Direction stats, String component) {
        for (RecordComponent c : LinkStats.Direction.class.getRecordComponents()) {
            if (c.getName().equals(component)) {
                try {
                    return ((Number) c.getAccessor().invoke(stats)).doubleValue();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read LinkStats." + component, e);
                }
            }
        }
        throw new IllegalStateException("LinkStats.Direction has no " + component + " (see LinkHealth.FIELDS)");
    }
}
