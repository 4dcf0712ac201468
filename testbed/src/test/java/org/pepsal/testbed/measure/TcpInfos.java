package org.pepsal.testbed.measure;

import org.pepsal.proxy.socket.TcpInfo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** tcp_info structs as the kernel lays them out, with the fields the measurements read, for tests. */
public final class TcpInfos {
    /** The receive window every struct says its peer advertised (snd_wnd). */
    public static final int ADVERTISED_WINDOW = 3 << 20;

    private TcpInfos() {
    }

    public static TcpInfo of(long cwnd, long rttUs, long retransmits, long dataSegsOut, long busyUs, long rwndUs,
                             long deliveryBytesPerSecond, long bytesReceived, long bytesSent) {
        ByteBuffer raw = ByteBuffer.allocate(232).order(ByteOrder.nativeOrder());
        raw.put(0, (byte) 1);
        raw.putInt(68, (int) rttUs);
        raw.putInt(80, (int) cwnd);
        raw.putInt(100, (int) retransmits);
        raw.putLong(104, deliveryBytesPerSecond * 5 / 4);
        raw.putLong(128, bytesReceived);
        raw.putInt(148, 600_000);
        raw.putInt(156, (int) dataSegsOut);
        raw.putLong(160, deliveryBytesPerSecond);
        raw.putLong(168, busyUs);
        raw.putLong(176, rwndUs);
        raw.putLong(200, bytesSent);
        raw.putInt(228, ADVERTISED_WINDOW);
        return TcpInfo.parse(raw.array(), 232);
    }

    /** A sender's struct that says it has seen {@code delivered} segments of {@code mss} bytes delivered. */
    public static TcpInfo delivered(long delivered, long mss) {
        ByteBuffer raw = ByteBuffer.allocate(232).order(ByteOrder.nativeOrder());
        raw.put(0, (byte) 1);
        raw.putInt(16, (int) mss);
        raw.putInt(80, 100);
        raw.putInt(192, (int) delivered);
        return TcpInfo.parse(raw.array(), 232);
    }
}
