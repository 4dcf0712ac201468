package org.pepsal.testbed.measure;

import java.util.Optional;

/**
 * Steady-state models of a loss-limited TCP sender's goodput, for comparison with what plain TCP measured. Each
 * takes the segment size (bytes), the round-trip time (s) and the loss probability p, and gives bit/s. Both
 * describe congestion avoidance in equilibrium (a window that has forgotten slow start), so they describe a
 * transfer measured after its start-up (the workload's {@code omit}), not one measured from a cold start.
 */
public final class ResponseFunctions {
    /** CUBIC's constants (RFC 8312, §4.1 and §4.5). */
    static final double CUBIC_C = 0.4;
    static final double CUBIC_BETA = 0.7;

    private ResponseFunctions() {
    }

    /**
     * Mathis, Semke, Mahdavi and Ott, "The macroscopic behavior of the TCP congestion avoidance algorithm",
     * CCR 27(3), 1997: Reno's goodput is at most MSS/RTT · 1.22/√p. A bound for Reno, not for CUBIC.
     */
    public static double mathis(int mssBytes, double rttSeconds, double loss) {
        return mssBytes * 8 / rttSeconds * 1.22 / Math.sqrt(loss);
    }

    /**
     * CUBIC's response function (RFC 8312, §5.1): the average window is (C(3+β)/(4(1−β)))^¼ · (RTT/p)^¾ segments
     * with C = 0.4, β = 0.7 in CUBIC's own region, and never less than in its Reno-friendly region (§4.2), whose
     * AIMD with α = 3(1−β)/(1+β) averages √(α(1+β)/(2(1−β)p)) = 1.22/√p segments, Reno's (short RTTs, high loss).
     */
    public static double cubic(int mssBytes, double rttSeconds, double loss) {
        double own = Math.pow(CUBIC_C * (3 + CUBIC_BETA) / (4 * (1 - CUBIC_BETA)), 0.25)
                * Math.pow(rttSeconds / loss, 0.75);
        double alpha = 3 * (1 - CUBIC_BETA) / (1 + CUBIC_BETA);
        double renoFriendly = Math.sqrt(alpha * (1 + CUBIC_BETA) / (2 * (1 - CUBIC_BETA) * loss));
        return Math.max(own, renoFriendly) * mssBytes * 8 / rttSeconds;
    }

    /** The model of a sender running {@code congestionControl}: CUBIC's response function, Reno's Mathis bound. */
    public static Optional<Model> of(String congestionControl) {
        return switch (congestionControl) {
            case "cubic" -> Optional.of(Model.CUBIC);
            case "reno" -> Optional.of(Model.RENO);
            default -> Optional.empty();
        };
    }

    /** A model and what to call it. */
    public enum Model {
        CUBIC("CUBIC's response function (RFC 8312 §5.1)"),
        RENO("the Mathis bound (Reno; Mathis et al., CCR 1997)");

        private final String label;

        Model(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public double goodput(int mssBytes, double rttSeconds, double loss) {
            return this == CUBIC ? cubic(mssBytes, rttSeconds, loss) : mathis(mssBytes, rttSeconds, loss);
        }
    }
}
