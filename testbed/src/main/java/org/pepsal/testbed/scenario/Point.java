package org.pepsal.testbed.scenario;

import org.pepsal.testbed.link.LinkSpec;

/**
 * The unit of work of a run: one variant in one mode, one repetition. Self-contained (its own output folder,
 * {@link #id()}), so a sweep could be spread over machines.
 */
public record Point(Variant variant, Mode mode, int repetition) {
    /** {@code v03-split-r2}: stable across runs of the same file, so a re-run can skip finished points. */
    public String id() {
        return variant.id() + "-" + mode.name() + "-r" + repetition;
    }

    /** The variant as this point's mode runs it. */
    public Scenario scenario() {
        return variant.scenario(mode);
    }

    /**
     * The satellite link with this repetition's own random seed: repetitions see different loss and jitter
     * (independent samples), while plain and split of one repetition see the same (a paired comparison).
     */
    public LinkSpec satelliteLink() {
        LinkSpec link = scenario().link();
        return link.withSeed(link.seed() * 1_000_003L + variant.id().hashCode() * 31L + repetition);
    }
}
