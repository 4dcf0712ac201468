package org.pepsal.testbed.link;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * How a link changes over time (e.g. a LEO handover every 15 s): at each step's time, counted from the moment
 * the schedule is started, both directions take the step's settings. Packets already past the bottleneck keep
 * the delay they were given; packets that leave it later get the new settings.
 */
public record Schedule(List<Step> steps) {
    public static final Schedule NONE = new Schedule(List.of());

    public Schedule {
        steps = steps.stream().sorted(Comparator.comparing(Step::at)).toList();
    }

    /** At {@code at} after the schedule's start, the link becomes {@code aToB} / {@code bToA}. */
    public record Step(Duration at, LinkDirection aToB, LinkDirection bToA) {
        public Step {
            if (at == null || at.isNegative()) {
                throw new IllegalArgumentException("a step's time must be zero or positive: " + at);
            }
            if (aToB == null || bToA == null) {
                throw new IllegalArgumentException("a step names the settings of both directions");
            }
        }
    }

    @JsonIgnore
    public boolean isEmpty() {
        return steps.isEmpty();
    }
}
