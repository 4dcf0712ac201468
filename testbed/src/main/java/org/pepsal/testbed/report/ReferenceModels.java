package org.pepsal.testbed.report;

/**
 * Models of plain TCP's goodput over a lossy path, for reference lines; each is labelled as what it is.
 * Both take the segment size (bytes), the round-trip time (s) and the loss probability p, and give bit/s.
 */
final class ReferenceModels {
    /** CUBIC's constants (RFC 8312, §4.1 and §4.5). */
    static final double CUBIC_C = 0.4;
    static final double CUBIC_BETA = 0.7;

    private ReferenceModels() {
    }

    /**
     * Mathis, Semke, Mahdavi and Ott, "The macroscopic behavior of the TCP congestion avoidance algorithm",
     * CCR 27(3), 1997: Reno's goodput is at most MSS/RTT · 1.22/√p. A bound for Reno, not for CUBIC.
     */
    static double mathis(int mssBytes, double rttSeconds, double loss) {
        return mssBytes * 8 / rttSeconds * 1.22 / Math.sqrt(loss);
    }

    /**
     * CUBIC's response function (RFC 8312, §5.1): the average window is (C(3+β)/(4(1−β)))^¼ · (RTT/p)^¾ segments
     * with C = 0.4, β = 0.7, the window's mean in CUBIC's own (not its Reno-friendly) region.
     */
    static double cubic(int mssBytes, double rttSeconds, double loss) {
        double window = Math.pow(CUBIC_C * (3 + CUBIC_BETA) / (4 * (1 - CUBIC_BETA)), 0.25)
                * Math.pow(rttSeconds / loss, 0.75);
        return window * mssBytes * 8 / rttSeconds;
    }
}
