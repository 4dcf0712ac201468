package org.pepsal.testbed.link;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * How a direction of a link loses packets that made it through the bottleneck. The three models are the
 * ones netem offers, so both backends can realise any of them.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "model")
@JsonSubTypes({
        @JsonSubTypes.Type(value = LossModel.None.class, name = "none"),
        @JsonSubTypes.Type(value = LossModel.Bernoulli.class, name = "bernoulli"),
        @JsonSubTypes.Type(value = LossModel.GilbertElliott.class, name = "gilbert-elliott")})
public sealed interface LossModel {
    /** The long-run fraction of packets lost. */
    double meanLoss();

    /** No loss at all. */
    record None() implements LossModel {
        @Override
        public double meanLoss() {
            return 0;
        }
    }

    /** Each packet is lost independently with probability {@code p}. */
    record Bernoulli(double p) implements LossModel {
        public Bernoulli {
            requireProbability("p", p);
        }

        @Override
        public double meanLoss() {
            return p;
        }
    }

    /**
     * The two-state Gilbert-Elliott model: in the good state a packet is lost with {@code lossInGood}, in the
     * bad state with {@code lossInBad}; after each packet the state flips good to bad with probability
     * {@code p} and bad to good with probability {@code r}. With {@code lossInGood = 0} and
     * {@code lossInBad = 1} (Gilbert's simple model) losses come in bursts of mean length {@code 1/r}.
     */
    record GilbertElliott(double p, double r, double lossInGood, double lossInBad) implements LossModel {
        public GilbertElliott {
            requireProbability("p", p);
            requireProbability("r", r);
            requireProbability("lossInGood", lossInGood);
            requireProbability("lossInBad", lossInBad);
            if (p + r == 0) {
                throw new IllegalArgumentException("Gilbert-Elliott needs p + r > 0, else the state never changes");
            }
        }

        /** The share of packets sent in the bad state (the chain's stationary distribution). */
        public double badStateShare() {
            return p / (p + r);
        }

        @Override
        public double meanLoss() {
            return badStateShare() * lossInBad + (1 - badStateShare()) * lossInGood;
        }

        /** Mean length of a run of consecutive losses, exact for the simple model (loss 0 in good, 1 in bad). */
        public double meanBurstLength() {
            return 1 / r;
        }
    }

    static LossModel none() {
        return new None();
    }

    private static void requireProbability(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability in [0, 1]: " + value);
        }
    }
}
