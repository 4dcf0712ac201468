package org.pepsal.testbed.link;

/** What an emulated link did to the packets of each direction, as counted by its backend. */
public record LinkStats(Direction aToB, Direction bToA) {
    /**
     * @param tunOverflows      packets the kernel dropped at the direction's ingress TUN device because the
     *                          emulator did not read them in time (the device's ring or its qdisc was full); the
     *                          emulator never sees them, so the kernel's counters supply them
     *                          ({@link #withTunOverflows})
     * @param latenessP50Millis how late packets left against their computed deadline (the emulator's own
     *                          timing error), median and tails
     */
    public record Direction(long received, long tailDrops, long lossDrops, long bufferDrops, long tunOverflows,
                            long delivered, long writeErrors, long stepsApplied, double latenessP50Millis,
                            double latenessP99Millis, double latenessP999Millis, double latenessMaxMillis) {
        public Direction withTunOverflows(long overflows) {
            return new Direction(received, tailDrops, lossDrops, bufferDrops, overflows, delivered, writeErrors,
                    stepsApplied, latenessP50Millis, latenessP99Millis, latenessP999Millis, latenessMaxMillis);
        }
    }

    /** The same counters with each direction's TUN overflows as the kernel counted them. */
    public LinkStats withTunOverflows(long aToBOverflows, long bToAOverflows) {
        return new LinkStats(aToB.withTunOverflows(aToBOverflows), bToA.withTunOverflows(bToAOverflows));
    }
}
