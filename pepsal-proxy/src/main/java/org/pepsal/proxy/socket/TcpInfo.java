package org.pepsal.proxy.socket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fields of Linux's {@code struct tcp_info} that say how a leg went. Times are microseconds unless named
 * otherwise; fields the running kernel does not report are -1.
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
        long lastDataSentMs) {

    // Offsets in struct tcp_info (include/uapi/linux/tcp.h), stable since they are only ever appended to.
    static TcpInfo parse(byte[] raw, int length) {
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
                u32(b, 44, length));
    }

    private static long u32(ByteBuffer b, int offset, int length) {
        return offset + 4 <= length ? Integer.toUnsignedLong(b.getInt(offset)) : -1;
    }

    private static long u64(ByteBuffer b, int offset, int length) {
        return offset + 8 <= length ? b.getLong(offset) : -1;
    }
}
