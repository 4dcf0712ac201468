package org.pepsal.testbed.measure.sockdiag;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;
import org.pepsal.proxy.socket.TcpInfo;
import org.pepsal.testbed.topology.Host;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The kernel's view of a namespace's TCP sockets through NETLINK_SOCK_DIAG (what {@code ss -tin} reads): one
 * dump request ({@code inet_diag_req_v2} asking for INET_DIAG_INFO and INET_DIAG_CONG) returns every IPv4 TCP
 * socket with its {@code struct tcp_info} and its congestion control's name. The netlink socket is opened on a
 * thread inside the host's namespace, so it sees that namespace's sockets; it can then be read from any thread.
 * Layouts from include/uapi/linux/netlink.h, sock_diag.h and inet_diag.h.
 */
public final class SockDiag implements AutoCloseable {
    private static final int AF_NETLINK = 16;
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM_CLOEXEC = 2 | 0x80000;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final int SOCK_DIAG_BY_FAMILY = 20;
    private static final int NLM_F_REQUEST = 1;
    private static final int NLM_F_DUMP = 0x300;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int IPPROTO_TCP = 6;
    private static final int INET_DIAG_INFO = 2;
    private static final int INET_DIAG_CONG = 4;
    private static final int TCP_TIME_WAIT = 6;
    private static final int TCP_LISTEN = 10;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int NLMSG_HEADER = 16;
    private static final int DIAG_MESSAGE = 72;

    public interface LibC {
        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        long send(int fd, byte[] buffer, long length, int flags);

        @SaveError
        long recv(int fd, byte[] buffer, long length, int flags);

        @SaveError
        int setsockopt(int fd, int level, int option, byte[] value, int length);

        int close(int fd);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

    private final String host;
    private final int fd;
    private final byte[] buffer = new byte[1 << 16];
    private int sequence;

    private SockDiag(String host, int fd) {
        this.host = host;
        this.fd = fd;
    }

    /** A sock_diag socket of {@code host}'s namespace. */
    public static SockDiag open(Host host) {
        int fd = host.call(() -> LIBC.socket(AF_NETLINK, SOCK_DGRAM_CLOEXEC, NETLINK_SOCK_DIAG));
        if (fd < 0) {
            throw new IllegalStateException("cannot open a NETLINK_SOCK_DIAG socket in " + host + ": errno " + errno());
        }
        // A dump that never ends must not hang the sampler: give up on a read after a second.
        byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(1).putLong(0).array();
        LIBC.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, timeout.length);
        return new SockDiag(host.role(), fd);
    }

    public String host() {
        return host;
    }

    /** Every IPv4 TCP socket of the namespace but listeners and TIME_WAIT ones, as the kernel sees them now. */
    public synchronized List<SocketRecord> dump() {
        long now = System.nanoTime();
        ByteBuffer request = ByteBuffer.allocate(NLMSG_HEADER + 56).order(ByteOrder.nativeOrder());
        request.putInt(NLMSG_HEADER + 56).putShort((short) SOCK_DIAG_BY_FAMILY).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP))
                .putInt(++sequence).putInt(0);
        request.put((byte) AF_INET).put((byte) IPPROTO_TCP)
                .put((byte) ((1 << (INET_DIAG_INFO - 1)) | (1 << (INET_DIAG_CONG - 1)))).put((byte) 0)
                .putInt(~((1 << TCP_LISTEN) | (1 << TCP_TIME_WAIT)));
        // The socket id (48 bytes) stays zero: a dump matches every socket.
        if (LIBC.send(fd, request.array(), request.capacity(), 0) < 0) {
            throw new IllegalStateException("sock_diag request in " + host + " failed: errno " + errno());
        }
        List<SocketRecord> records = new ArrayList<>();
        while (true) {
            long length = LIBC.recv(fd, buffer, buffer.length, 0);
            if (length <= 0) {
                throw new IllegalStateException("sock_diag answer in " + host + " failed: errno " + errno());
            }
            ByteBuffer answer = ByteBuffer.wrap(buffer, 0, (int) length).order(ByteOrder.nativeOrder());
            int offset = 0;
            while (offset + NLMSG_HEADER <= length) {
                int messageLength = answer.getInt(offset);
                int type = Short.toUnsignedInt(answer.getShort(offset + 4));
                if (type == NLMSG_DONE) {
                    return records;
                }
                if (type == NLMSG_ERROR) {
                    throw new IllegalStateException("sock_diag in " + host + " answered error " + -answer.getInt(offset + NLMSG_HEADER));
                }
                if (type == SOCK_DIAG_BY_FAMILY && messageLength >= NLMSG_HEADER + DIAG_MESSAGE) {
                    records.add(parse(answer, offset + NLMSG_HEADER, offset + messageLength, now));
                }
                if (messageLength < NLMSG_HEADER) {
                    return records;
                }
                offset += align(messageLength);
            }
        }
    }

    /** One {@code inet_diag_msg} and its attributes. */
    private SocketRecord parse(ByteBuffer b, int start, int end, long now) {
        int state = Byte.toUnsignedInt(b.get(start + 1));
        int localPort = Short.toUnsignedInt(Short.reverseBytes(b.getShort(start + 4)));
        int remotePort = Short.toUnsignedInt(Short.reverseBytes(b.getShort(start + 6)));
        InetSocketAddress local = new InetSocketAddress(address(b, start + 8), localPort);
        InetSocketAddress remote = new InetSocketAddress(address(b, start + 24), remotePort);
        TcpInfo info = null;
        String congestion = null;
        int attribute = start + DIAG_MESSAGE;
        while (attribute + 4 <= end) {
            int length = Short.toUnsignedInt(b.getShort(attribute));
            int type = Short.toUnsignedInt(b.getShort(attribute + 2));
            if (length < 4) {
                break;
            }
            byte[] payload = Arrays.copyOfRange(b.array(), attribute + 4, Math.min(end, attribute + length));
            if (type == INET_DIAG_INFO) {
                info = TcpInfo.parse(payload, payload.length);
            } else if (type == INET_DIAG_CONG) {
                int nul = 0;
                while (nul < payload.length && payload[nul] != 0) {
                    nul++;
                }
                congestion = new String(payload, 0, nul, StandardCharsets.US_ASCII);
            }
            attribute += align(length);
        }
        return new SocketRecord(now, host, local, remote, state, congestion, info);
    }

    private static InetAddress address(ByteBuffer b, int offset) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b.array(), offset, offset + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int align(int length) {
        return (length + 3) & ~3;
    }

    private static int errno() {
        return jnr.ffi.Runtime.getRuntime(LIBC).getLastError();
    }

    @Override
    public void close() {
        LIBC.close(fd);
    }
}
