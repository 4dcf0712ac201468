package org.pepsal.testbed.link;

/** What an emulated link did to the packets of each direction, as counted by its backend. */
public record LinkStats(Direction aToB, Direction bToA) {
    /**
     * @param latenessP50Millis how late packets left against their computed deadline (the emulator's own
     *                          timing error), median and tails
     */
    public record Direction(long received, long tailDrops, long lossDrops, long bufferDrops, long delivered,
                            long writeErrors, long stepsApplied, double latenessP50Millis,
                            double latenessP99Millis, double latenessP999Millis, double latenessMaxMillis) {
    }
}
