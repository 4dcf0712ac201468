package org.pepsal.testbed.link;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NetemCommandsTest {
    private static final LinkDirection SATELLITE = LinkDirection.of(20_000_000, Duration.ofMillis(300));

    @Test
    void setupPutsNetemAtTheRootAndTheRateWithTheQueueBelowIt() {
        List<List<String>> commands = NetemCommands.setup("v1gw", SATELLITE, 1_500_000);

        assertThat(commands).containsExactly(
                List.of("tc", "qdisc", "add", "dev", "v1gw", "root", "handle", "1:", "netem", "limit", "3000",
                        "delay", "300000us"),
                List.of("tc", "qdisc", "add", "dev", "v1gw", "parent", "1:1", "handle", "10:", "tbf",
                        "rate", "20000000bit", "burst", "3000", "limit", "1500000"));
    }

    @Test
    void netemLimitHoldsTheWholeDelayLineNotJustOneThousandPackets() {
        LinkDirection fast = SATELLITE.withRate(100_000_000);
        // 100 Mbit/s for 300 ms is 3.75 MB in flight: 15000 packets of 500 bytes, doubled.
        assertThat(NetemCommands.netemLimitPackets(fast)).isEqualTo(15_000);
        assertThat(NetemCommands.netemLimitPackets(LinkDirection.of(1_000_000, Duration.ofMillis(1)))).isEqualTo(1000);
    }

    @Test
    void jitterAndBernoulliLossBecomeNetemArguments() {
        LinkDirection direction = SATELLITE.withJitter(Duration.ofMillis(5), true).withLoss(new LossModel.Bernoulli(0.015));

        assertThat(NetemCommands.setup("d", direction, 1000).get(0))
                .containsSubsequence("delay", "300000us", "5000us", "loss", "random", "1.500000%");
    }

    @Test
    void gilbertElliottMapsToNetemsPercentagesOfPRAndTheLossInEachState() {
        LossModel ge = new LossModel.GilbertElliott(0.01, 0.25, 0.001, 0.9);

        assertThat(NetemCommands.lossArguments(ge))
                .containsExactly("loss", "gemodel", "1.000000%", "25.000000%", "90.000000%", "0.100000%");
    }

    @Test
    void scheduleStepsChangeTheSameQdiscsInPlace() {
        List<List<String>> change = NetemCommands.change("d", SATELLITE.withDelay(Duration.ofMillis(20)), 50_000);

        assertThat(change).allSatisfy(command -> assertThat(command.subList(0, 3)).containsExactly("tc", "qdisc", "change"));
        assertThat(change.get(0)).containsSubsequence("root", "handle", "1:", "netem");
        assertThat(change.get(1)).containsSubsequence("parent", "1:1", "handle", "10:", "tbf");
    }

    @Test
    void anUnlimitedRateNeedsNoTbf() {
        assertThat(NetemCommands.setup("d", SATELLITE.withRate(LinkDirection.UNLIMITED_RATE), 1000)).hasSize(1);
    }

    @Test
    void tbfBurstIsAtLeastOneMillisecondAtTheRate() {
        assertThat(NetemCommands.burstBytes(SATELLITE.withRate(1_000_000_000))).isEqualTo(125_000);
    }

    @Test
    void netemRefusesWhatItCannotDoFaithfully() {
        NetemBackend netem = new NetemBackend();
        assertThat(netem.cannotRealise(LinkSpec.symmetric(SATELLITE))).isEmpty();
        assertThat(netem.cannotRealise(LinkSpec.symmetric(SATELLITE.withJitter(Duration.ofMillis(5), false))))
                .hasValueSatisfying(reason -> assertThat(reason).contains("reorders"));
        assertThat(netem.cannotRealise(LinkSpec.symmetric(SATELLITE.withTrace(DeliveryTrace.constant(12_032_000, 10)))))
                .hasValueSatisfying(reason -> assertThat(reason).contains("trace"));
    }
}
