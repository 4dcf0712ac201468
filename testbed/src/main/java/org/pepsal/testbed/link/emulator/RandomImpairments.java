package org.pepsal.testbed.link.emulator;

import java.util.SplittableRandom;

/**
 * The random part of a direction: whether the loss model drops a packet, and its jitter. Loss and jitter draw
 * from streams of their own, split from one seed, so a change in one (jitter on or off) leaves the other's draws
 * where they were; {@link #reseed} starts both over, as the workload's start does.
 */
final class RandomImpairments {
    private final long seed;
    private SplittableRandom lossRandom;
    private SplittableRandom jitterRandom;
    /** Gilbert-Elliott's state: in the bad state losses are likelier. */
    private boolean badState;

    RandomImpairments(long seed) {
        this.seed = seed;
        reseed();
    }

    void reseed() {
        SplittableRandom root = new SplittableRandom(seed);
        lossRandom = root.split();
        jitterRandom = root.split();
        badState = false;
    }

    /** Whether {@code settings}' loss model drops the next packet. */
    boolean lost(PathSettings settings) {
        if (settings.bernoulli) {
            return lossRandom.nextDouble() < settings.lossProbability;
        }
        if (settings.gilbertElliott) {
            boolean lost = lossRandom.nextDouble() < (badState ? settings.lossInBad : settings.lossInGood);
            badState = badState ? lossRandom.nextDouble() >= settings.badToGood
                    : lossRandom.nextDouble() < settings.goodToBad;
            return lost;
        }
        return false;
    }

    /** The next packet's jitter in nanoseconds, uniform within ± {@code settings}' range. */
    long jitter(PathSettings settings) {
        long range = settings.jitterNanos;
        return range == 0 ? 0 : jitterRandom.nextLong(-range, range + 1);
    }
}
