package org.pepsal.proxy.link;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SatelliteLinkTest {
    private static final SatelliteLink GEO = new SatelliteLink(20_000_000, Duration.ofMillis(600), LinkSide.CLIENT);

    @Test
    void theBdpFillsTheLinkForOneRoundTrip() {
        assertThat(GEO.bdpBytes()).isEqualTo(1_500_000);
        // 1.5 MB in 1448-byte segments, rounded up.
        assertThat(GEO.initialWindowSegments()).isEqualTo(1036);
        // 98 % of the link in full packets: the payload of 1500-byte packets is 1448 bytes.
        assertThat(GEO.pacingCapacityBytesPerSecond()).isCloseTo(0.98 * 2_500_000 * 1448 / 1500, within(1e-6));
        assertThat(GEO.receiveBufferBytes()).isEqualTo(4_500_000);
    }

    @Test
    void aTerminalSizesWhatItReceivesFromTheForwardLinkAndWhatItSendsFromTheReturnLink() {
        SatelliteLink terminal = new SatelliteLink(5_000_000, 20_000_000, Duration.ofMillis(600), LinkSide.SERVER);
        assertThat(terminal.bdpBytes()).isEqualTo(375_000);
        assertThat(terminal.receiveBdpBytes()).isEqualTo(1_500_000);
        assertThat(terminal.initialWindowSegments()).isEqualTo(259);
        assertThat(terminal.initialReceiveWindowSegments()).isEqualTo(1036);
        assertThat(terminal.receiveBufferBytes()).isEqualTo(4_500_000);
        assertThat(terminal.pacingCapacityBytesPerSecond()).isCloseTo(0.98 * 625_000 * 1448 / 1500, within(1e-6));
    }

    @Test
    void initialWindowsAreCappedAndNeverBelowTheKernelDefault() {
        assertThat(new SatelliteLink(10_000_000_000L, Duration.ofMillis(600), LinkSide.CLIENT).initialWindowSegments())
                .isEqualTo(SatelliteLink.MAX_INITIAL_WINDOW_SEGMENTS);
        assertThat(new SatelliteLink(64_000, Duration.ofMillis(50), LinkSide.SERVER).initialWindowSegments())
                .isEqualTo(10);
    }

    @Test
    void unitsAreReadAsOperatorsWriteThem() {
        assertThat(LinkUnits.bitsPerSecond("20Mbit/s")).isEqualTo(20_000_000);
        assertThat(LinkUnits.bitsPerSecond("1.5 Gbps")).isEqualTo(1_500_000_000);
        assertThat(LinkUnits.duration("600ms")).isEqualTo(Duration.ofMillis(600));
        assertThatThrownBy(() -> LinkUnits.duration("600")).hasMessageContaining("a duration with a unit");
        assertThatThrownBy(() -> LinkUnits.bitsPerSecond("fast")).hasMessageContaining("a rate such as 20 Mbit/s");
        assertThat(LinkSide.parse("Server")).isEqualTo(LinkSide.SERVER);
    }

    @Test
    void aLinkWithoutRateRttOrSideIsRefused() {
        assertThatThrownBy(() -> new SatelliteLink(0, Duration.ofMillis(600), LinkSide.CLIENT)).hasMessageContaining("rate");
        assertThatThrownBy(() -> new SatelliteLink(1, Duration.ZERO, LinkSide.CLIENT)).hasMessageContaining("round-trip");
        assertThatThrownBy(() -> new SatelliteLink(1, Duration.ofMillis(1), null)).hasMessageContaining("client or server");
    }
}
