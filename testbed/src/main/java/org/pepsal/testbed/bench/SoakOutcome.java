package org.pepsal.testbed.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * How one soak check went: the parts of its pass criterion it did not meet, each saying what happened instead
 * (none: it passed), and the figures it printed.
 */
record SoakOutcome(String check, List<String> unmet, List<String> figures) {
    SoakOutcome {
        unmet = List.copyOf(unmet);
        figures = List.copyOf(figures);
    }

    boolean passed() {
        return unmet.isEmpty();
    }

    /** The same outcome with {@code more} figures after its own. */
    SoakOutcome withFigures(List<String> more) {
        List<String> all = new ArrayList<>(figures);
        all.addAll(more);
        return new SoakOutcome(check, unmet, all);
    }

    /** Collects what a check did not meet of its criterion. */
    static final class Unmet {
        private final List<String> unmet = new ArrayList<>();

        /** Notes {@code why} unless {@code met}. */
        Unmet require(boolean met, String why) {
            if (!met) {
                unmet.add(why);
            }
            return this;
        }

        List<String> list() {
            return unmet;
        }
    }
}
