package org.pepsal.proxy.socket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fields of Linux's {@code struct tcp_info} that say how a leg went, and the leg's congestion control. Times
 * are microseconds unless named otherwise; fields the running kernel does not report are -1.
 *
 * @param busyTimeUs       time with data in flight or queued ({@code tcpi_busy_time}); {@code rwndLimitedUs} and
 *                         {@code sndbufLimitedUs} are the parts of it limited by the receiver's window and by the
 *                         send buffer
 * @param congestionControl the leg's congestion control (TCP_CONGESTION), or null where it was not read
 */
public record TcpInfo(
        int state,
        int caState,
        long rttUs,
        long rttVarUs,
        long minRttUs,
        long sndCwnd,
        long sndSsthresh,
        long sndMss,
        long totalRetrans,
        long lost,
        long pacingRate,
        long deliveryRate,
        long bytesSent,
        long bytesRetrans,
        long bytesAcked,
        long bytesReceived,
        long segsOut,
        long segsIn,
        long lastDataRecvMs,
        long lastDataSentMs,
        long unacked,
        long notSentBytes,
        long dataSegsOut,
        long delivered,
        long busyTimeUs,
        long rwndLimitedUs,
        long sndbufLimitedUs,
        long sndWnd,
        boolean deliveryRateAppLimited,
        String congestionControl) {

    /** Reads a connected socket's TCP_INFO and its congestion control. */
    public static TcpInfo read(int fd) {
        return NativeSockets.tcpInfo(fd).withCongestionControl(NativeSockets.congestionControl(fd));
    }

    public TcpInfo withCongestionControl(String name) {
        return new TcpInfo(state, caState, rttUs, rttVarUs, minRttUs, sndCwnd, sndSsthresh, sndMss, totalRetrans, lost,
                pacingRate, deliveryRate, bytesSent, bytesRetrans, bytesAcked, bytesReceived, segsOut, segsIn,
                lastDataRecvMs, lastDataSentMs, unacked, notSentBytes, dataSegsOut, delivered, busyTimeUs,
                rwndLimitedUs, sndbufLimitedUs, sndWnd, deliveryRateAppLimited, name);
    }

    /**
     * The kernel's struct as TCP_INFO or sock_diag's INET_DIAG_INFO returns it, {@code length} bytes of it.
     * Offsets in struct tcp_info (include/uapi/linux/tcp.h), stable since they are only ever appended to.
     */
    public static TcpInfo parse(byte[] raw, int length) {
        ByteBuffer b = ByteBuffer.wrap(raw, 0, length).order(ByteOrder.nativeOrder());
        return new TcpInfo(
                Byte.toUnsignedInt(raw[0]),
                Byte.toUnsignedInt(raw[1]),
                u32(b, 68, length),
                u32(b, 72, length),
                u32(b, 148, length),
                u32(b, 80, length),
                u32(b, 76, length),
                u32(b, 16, length),
                u32(b, 100, length),
                u32(b, 32, length),
                u64(b, 104, length),
                u64(b, 160, length),
                u64(b, 200, length),
                u64(b, 208, length),
                u64(b, 120, length),
                u64(b, 128, length),
                u32(b, 136, length),
                u32(b, 140, length),
                u32(b, 52, length),
                u32(b, 44, length),
                u32(b, 24, length),
                u32(b, 144, length),
                u32(b, 156, length),
                u32(b, 192, length),
                u64(b, 168, length),
                u64(b, 176, length),
                u64(b, 184, length),
                u32(b, 228, length),
                length > 7 && (raw[7] & 1) != 0,
                null);
    }

    private static long u32(ByteBuffer b, int offset, int length) {
        return offset + 4 <= length ? Integer.toUnsignedLong(b.getInt(offset)) : -1;
    }

    private static long u64(ByteBuffer b, int offset, int length) {
        return offset + 8 <= length ? b.getLong(offset) : -1;
    }
}
