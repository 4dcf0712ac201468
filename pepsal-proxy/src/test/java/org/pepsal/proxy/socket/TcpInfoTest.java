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
        TcpInfo info = TcpInfo.parse(raw.array(), 232);
        assertThat(info.state()).isEqualTo(1);
        assertThat(info.rttUs()).isEqualTo(600_123);
        assertThat(info.sndCwnd()).isEqualTo(42);
        assertThat(info.totalRetrans()).isEqualTo(7);
        assertThat(info.bytesAcked()).isEqualTo(1_000_000L);
        assertThat(info.bytesReceived()).isEqualTo(2_000_000L);
        assertThat(info.minRttUs()).isEqualTo(600_000);
        assertThat(info.deliveryRate()).isEqualTo(2_500_000L);
    }

    @Test
    void fieldsAnOlderKernelDoesNotReportAreMinusOne() {
        TcpInfo info = TcpInfo.parse(new byte[104], 104);
        assertThat(info.totalRetrans()).isZero();
        assertThat(info.deliveryRate()).isEqualTo(-1);
        assertThat(info.bytesReceived()).isEqualTo(-1);
    }
}
