package org.pepsal.proxy.link;

import org.junit.jupiter.api.Test;
import org.pepsal.proxy.socket.TcpInfo;

import static org.assertj.core.api.Assertions.assertThat;

class PacedLegTest {
    private static TcpInfo info(long bytesSent, long unacked, long notSent) {
        return new TcpInfo(1, 0, 600_000, 0, 600_000, 10, 0, 1448, 0, 0, 0, 0, bytesSent, 0, 0, 0, 0, 0, 0, 0,
                unacked, notSent, 0, 0, 0, 0, 0, 0, false, null);
    }

    @Test
    void demandFollowsWhatTheLegHasToSend() {
        PacedLeg leg = new PacedLeg(null);
        // Data queued in the socket: backlogged, whatever it sent.
        assertThat(leg.demand(info(0, 5, 10_000), 0, 0.1, 50)).isEqualTo(PacingAllocator.BACKLOGGED);
        // Data queued in the relay: backlogged too.
        assertThat(leg.demand(info(10_000, 5, 0), 1, 0.1, 50)).isEqualTo(PacingAllocator.BACKLOGGED);
        // 10 kB more in 0.1 s and nothing waiting: app-limited at 100 kB/s, with headroom.
        assertThat(leg.demand(info(20_000, 5, 0), 0, 0.1, 50))
                .isEqualTo(100_000 * PacedLeg.DEMAND_HEADROOM);
        // Nothing new, but segments in flight: the floor (an iperf3 control message waiting for its ack).
        assertThat(leg.demand(info(20_000, 3, 0), 0, 0.1, 50)).isEqualTo(50);
        // Nothing in flight, nothing new: idle, not counted.
        assertThat(leg.demand(info(20_000, 0, 0), 0, 0.1, 50)).isNaN();
    }
}
