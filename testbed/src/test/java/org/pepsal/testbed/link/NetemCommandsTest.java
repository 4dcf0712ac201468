package org.pepsal.testbed.link;

import org.junit.jupiter.api.Test;
import org.pepsal.testbed.link.NetemCommands.Command;
import org.pepsal.testbed.link.NetemCommands.Layout;
import org.pepsal.testbed.link.NetemCommands.Where;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NetemCommandsTest {
    private static final LinkDirection SATELLITE = LinkDirection.of(20_000_000, Duration.ofMillis(300));
    private static final LinkDirection RETURN = LinkDirection.of(5_000_000, Duration.ofMillis(300));
    private static final Layout LAYOUT = Layout.of(1, "tb1-gateway", "gateway", "tb1-client", "client");
    private static final List<Command> SETUP = NetemCommands.setup(LAYOUT, LinkSpec.asymmetric(SATELLITE, RETURN));

    @Test
    void theHostsGetOnlyTheirEndsOfTheLinkAndNoQdisc() {
        assertThat(LAYOUT.aDevice()).isEqualTo("v1gateway");
        assertThat(LAYOUT.bDevice()).isEqualTo("v1client");
        assertThat(SETUP).filteredOn(command -> command.where() != Where.LINK).extracting(Command::argv)
                .containsExactly(
                        List.of("ip", "link", "set", "dev", "v1gateway", "mtu", "1500"),
                        List.of("ethtool", "-K", "v1gateway", "tso", "off", "gso", "off", "gro", "off"),
                        List.of("ip", "link", "set", "dev", "v1client", "mtu", "1500"),
                        List.of("ethtool", "-K", "v1client", "tso", "off", "gso", "off", "gro", "off"));
        assertThat(SETUP).filteredOn(command -> command.argv().get(0).equals("tc"))
                .allMatch(command -> command.where() == Where.LINK);
    }

    @Test
    void theLinkNamespaceBridgesEachHostToOneEndOfAnInnerVeth() {
        assertThat(argvs(Where.LINK)).contains(
                List.of("ip", "link", "add", "e1a", "type", "veth", "peer", "name", "v1gateway", "netns", "tb1-gateway"),
                List.of("ip", "link", "add", "e1b", "type", "veth", "peer", "name", "v1client", "netns", "tb1-client"),
                List.of("ip", "link", "add", "q1a", "type", "veth", "peer", "name", "q1b"),
                List.of("ip", "link", "set", "e1a", "master", "br1a"),
                List.of("ip", "link", "set", "q1a", "master", "br1a"),
                List.of("ip", "link", "set", "e1b", "master", "br1b"),
                List.of("ip", "link", "set", "q1b", "master", "br1b"),
                List.of("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1"));
    }

    @Test
    void offloadsAreOffOnEveryDeviceOfThePath() {
        assertThat(SETUP).filteredOn(command -> command.argv().get(0).equals("ethtool"))
                .extracting(command -> command.argv().get(2))
                .containsExactlyInAnyOrder("e1a", "q1a", "q1b", "e1b", "v1gateway", "v1client");
    }

    @Test
    void eachDirectionIsShapedOnTheInnerVethThenLostAndDelayedTowardsTheFarHost() {
        // a→b leaves a's bridge through q1a (tbf) and reaches b through e1b (netem); b→a mirrors it.
        assertThat(argvs(Where.LINK)).contains(
                List.of("tc", "qdisc", "add", "dev", "q1a", "root", "handle", "1:", "tbf", "rate", "20000000bit",
                        "burst", "3000", "limit", "1500000"),
                List.of("tc", "qdisc", "add", "dev", "e1b", "root", "handle", "1:", "netem", "limit", "11719",
                        "delay", "300000us"),
                List.of("tc", "qdisc", "add", "dev", "q1b", "root", "handle", "1:", "tbf", "rate", "5000000bit",
                        "burst", "3000", "limit", "375000"),
                List.of("tc", "qdisc", "add", "dev", "e1a", "root", "handle", "1:", "netem", "limit", "2930",
                        "delay", "300000us"));
        assertThat(LAYOUT.rateDevice(true)).isEqualTo("q1a");
        assertThat(LAYOUT.delayDevice(true)).isEqualTo("e1b");
    }

    @Test
    void devicesComeUpOnlyAfterTheirQdiscsAreInPlace() {
        int lastQdisc = lastIndexOf(command -> command.argv().get(0).equals("tc"));
        int firstUp = SETUP.indexOf(SETUP.stream().filter(command -> command.argv().get(command.argv().size() - 1)
                .equals("up")).findFirst().orElseThrow());
        assertThat(firstUp).isGreaterThan(lastQdisc);
    }

    @Test
    void theBottleneckQueueIsOneBdpAndTheDelayLineHoldsEverythingInFlight() {
        // 20 Mbit/s × 600 ms = 1.5 MB of queue; 20 Mbit/s × 300 ms in 64-byte frames on the delay line.
        assertThat(NetemCommands.netemLimitPackets(SATELLITE)).isEqualTo(11_719);
        assertThat(NetemCommands.netemLimitPackets(LinkDirection.of(1_000_000, Duration.ofMillis(1)))).isEqualTo(1000);
        assertThat(LinkSpec.asymmetric(SATELLITE, RETURN).queueLimitBytes(SATELLITE)).isEqualTo(1_500_000);
    }

    @Test
    void jitterAndBernoulliLossBecomeNetemArguments() {
        LinkDirection direction = SATELLITE.withJitter(Duration.ofMillis(5), true).withLoss(new LossModel.Bernoulli(0.015));

        assertThat(NetemCommands.change(LAYOUT, direction, true, 1000).get(1).argv())
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
        List<Command> change = NetemCommands.change(LAYOUT, SATELLITE.withDelay(Duration.ofMillis(20)), false, 50_000);

        assertThat(change).extracting(Command::argv).containsExactly(
                List.of("tc", "qdisc", "change", "dev", "q1b", "root", "handle", "1:", "tbf", "rate", "20000000bit",
                        "burst", "3000", "limit", "50000"),
                List.of("tc", "qdisc", "change", "dev", "e1a", "root", "handle", "1:", "netem", "limit", "1000",
                        "delay", "20000us"));
    }

    @Test
    void anUnlimitedRateNeedsNoTbf() {
        assertThat(NetemCommands.change(LAYOUT, SATELLITE.withRate(LinkDirection.UNLIMITED_RATE), true, 1000))
                .singleElement().satisfies(command -> assertThat(command.argv()).contains("netem"));
    }

    @Test
    void tbfBurstIsAtLeastOneMillisecondAtTheRate() {
        assertThat(KernelShaping.burstBytes(SATELLITE.withRate(1_000_000_000))).isEqualTo(125_000);
    }

    @Test
    void netemRefusesWhatItCannotDoFaithfully() {
        NetemBackend netem = new NetemBackend();
        assertThat(netem.cannotRealise(LinkSpec.symmetric(SATELLITE))).isEmpty();
        assertThat(netem.cannotRealise(LinkSpec.symmetric(SATELLITE.withJitter(Duration.ofMillis(5), false))))
                .hasValueSatisfying(reason -> assertThat(reason).contains("reorders"));
        assertThat(netem.cannotRealise(LinkSpec.symmetric(SATELLITE.withTrace(DeliveryTrace.constant(12_032_000, 10)))))
                .hasValueSatisfying(reason -> assertThat(reason).contains("trace"));
        assertThat(netem.cannotRealise(LinkSpec.asymmetric(SATELLITE, SATELLITE.withMtu(1400))))
                .hasValueSatisfying(reason -> assertThat(reason).contains("MTU"));
    }

    private static List<List<String>> argvs(Where where) {
        return SETUP.stream().filter(command -> command.where() == where).map(Command::argv).toList();
    }

    private static int lastIndexOf(java.util.function.Predicate<Command> test) {
        for (int i = SETUP.size() - 1; i >= 0; i--) {
            if (test.test(SETUP.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
