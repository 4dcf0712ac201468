package org.pepsal.proxy.relay;

import org.junit.jupiter.api.Test;
import org.pepsal.proxy.socket.DeadPeerDetection;
import org.pepsal.proxy.socket.KeepAlive;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** How long a server leg may wait for its keepalive and TCP_USER_TIMEOUT. */
class DeadPeerSweepTest {
    @Test
    void theWaitIsASecondAtMostAndAQuarterOfEitherSetting() {
        // The defaults: 120 s of quiet before the first probe, 300 s of unacknowledged data.
        assertThat(wait(new KeepAlive(120, 30, 6), Duration.ofSeconds(300))).isEqualTo(Duration.ofSeconds(1));
        assertThat(wait(new KeepAlive(3, 1, 2), Duration.ZERO)).isEqualTo(Duration.ofMillis(750));
        assertThat(wait(KeepAlive.OFF, Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(500));
        assertThat(wait(new KeepAlive(1, 1, 1), Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(25));
    }

    @Test
    void nothingToSweepWithBothOff() {
        assertThat(DeadPeerSweep.of(new DeadPeerDetection(KeepAlive.OFF, Duration.ZERO))).isNull();
    }

    private static Duration wait(KeepAlive keepAlive, Duration userTimeout) {
        return DeadPeerSweep.of(new DeadPeerDetection(keepAlive, userTimeout)).waitTime();
    }
}
