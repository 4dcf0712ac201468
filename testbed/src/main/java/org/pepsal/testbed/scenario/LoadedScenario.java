package org.pepsal.testbed.scenario;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A validated scenario file: the document as run (after {@code --set}), the scenario, and its variants.
 *
 * @param document the document after overrides, sweep included: what metadata.json records as the scenario
 */
public record LoadedScenario(Path file, ObjectNode document, Scenario scenario, List<Variant> variants) {
    /**
     * Every point (variant × mode × repetition), in an order shuffled with the scenario's seed: slow drifts of
     * the machine then spread over all points instead of biasing the last ones. The same seed gives the
     * same order.
     */
    public List<Point> points() {
        return points(scenario.repetitions());
    }

    /** As {@link #points()}, with another number of repetitions (the runner's {@code --reps}). */
    public List<Point> points(int repetitions) {
        List<Point> points = new ArrayList<>();
        for (Variant variant : variants) {
            for (Mode mode : variant.scenario().modes()) {
                for (int repetition = 1; repetition <= repetitions; repetition++) {
                    points.add(new Point(variant, mode, repetition));
                }
            }
        }
        Collections.shuffle(points, new Random(scenario.seed()));
        return points;
    }
}
