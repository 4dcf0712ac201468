package org.pepsal.proxy.socket;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class TcpInfoTest {
    @Test
    void readsTheFieldsAtTheKernelsOffsets() {
        ByteBuffer raw = ByteBuffer.allocate(232).order(ByteOrder.nativeOrder());
        raw.put(0, (byte) 1); // TCP_ESTABLISHED
        raw.putInt(68, 600_123);      // rtt
        raw.putInt(80, 42);           // snd_cwnd
        raw.putInt(100, 7);           // total_retrans
        raw.putLong(120, 1_000_000L); // bytes_acked
        raw.putLong(128, 2_000_000L); // bytes_received
        raw.putInt(148, 600_000);     // min_rtt
        raw.putLong(160, 2_500_000L); // delivery_rate
        raw.put(7, (byte) 1);         // delivery_rate_app_limited
        raw.putInt(156, 900);         // data_segs_out
        raw.putLong(168, 9_000_000L); // busy_time
        raw.putLong(176, 1_500_000L); // rwnd_limited
        raw.putLong(184, 250_000L);   // sndbuf_limited
        raw.putInt(192, 880);         // delivered
        raw.putInt(228, 65_535);      // snd_wnd
        TcpInfo info = TcpInfo.parse(raw.array(), 232);
        assertThat(info.state()).isEqualTo(1);
        assertThat(info.rttUs()).isEqualTo(600_123);
        assertThat(info.sndCwnd()).isEqualTo(42);
        assertThat(info.totalRetrans()).isEqualTo(7);
        assertThat(info.bytesAcked()).isEqualTo(1_000_000L);
        assertThat(info.bytesReceived()).isEqualTo(2_000_000L);
        assertThat(info.minRttUs()).isEqualTo(600_000);
        assertThat(info.deliveryRate()).isEqualTo(2_500_000L);
        assertThat(info.deliveryRateAppLimited()).isTrue();
        assertThat(info.dataSegsOut()).isEqualTo(900);
        assertThat(info.busyTimeUs()).isEqualTo(9_000_000L);
        assertThat(info.rwndLimitedUs()).isEqualTo(1_500_000L);
        assertThat(info.sndbufLimitedUs()).isEqualTo(250_000L);
        assertThat(info.delivered()).isEqualTo(880);
        assertThat(info.sndWnd()).isEqualTo(65_535);
        assertThat(info.congestionControl()).isNull();
        assertThat(info.withCongestionControl("bbr").congestionControl()).isEqualTo("bbr");
    }

    @Test
    void fieldsAnOlderKernelDoesNotReportAreMinusOne() {
        TcpInfo info = TcpInfo.parse(new byte[104], 104);
        assertThat(info.totalRetrans()).isZero();
        assertThat(info.deliveryRate()).isEqualTo(-1);
        assertThat(info.bytesReceived()).isEqualTo(-1);
        assertThat(info.busyTimeUs()).isEqualTo(-1);
    }
}
