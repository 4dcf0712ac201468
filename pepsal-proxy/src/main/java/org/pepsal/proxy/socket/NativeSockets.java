package org.pepsal.proxy.socket;

import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The few socket calls Netty lacks (TCP_CONGESTION, full TCP_INFO, IPV6_V6ONLY, SO_MAX_PACING_RATE,
 * SO_RCVBUFFORCE), made on a channel's fd, and the capacity of a splice pipe (F_SETPIPE_SZ).
 */
public final class NativeSockets {
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int SO_MAX_PACING_RATE = 47;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_IPV6 = 41;
    private static final int TCP_INFO = 11;
    private static final int TCP_CONGESTION = 13;
    static final int SO_KEEPALIVE = 9;
    static final int TCP_KEEPIDLE = 4;
    static final int TCP_KEEPINTVL = 5;
    static final int TCP_KEEPCNT = 6;
    static final int TCP_USER_TIMEOUT = 18;
    static final int SO_SNDBUF = 7;
    private static final int IPV6_V6ONLY = 26;
    private static final int TCP_INFO_MAX = 256;
    private static final int FIONREAD = 0x541B;
    private static final int F_SETPIPE_SZ = 1031;
    private static final int F_GETPIPE_SZ = 1032;

    public interface LibC {
        @SaveError
        int setsockopt(int fd, int level, int option, byte[] value, int length);

        @SaveError
        int getsockopt(int fd, int level, int option, byte[] value, IntByReference length);

        @SaveError
        int ioctl(int fd, long request, IntByReference value);

        @SaveError
        int fcntl(int fd, int command, int argument);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

    private NativeSockets() {
    }

    /** Sets the congestion control of one socket (as root any the kernel has; otherwise only allowed ones). */
    public static void setCongestionControl(int fd, String algorithm) {
        byte[] name = algorithm.getBytes(StandardCharsets.US_ASCII);
        if (LIBC.setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, name.length) != 0) {
            throw failure("TCP_CONGESTION=" + algorithm);
        }
    }

    /**
     * Sets an int socket option ({@code SOL_SOCKET} or {@code IPPROTO_TCP} level); for sockets Netty has no option
     * for, such as a listener whose accepted sockets inherit what it is given.
     */
    static void setInt(int fd, boolean tcpLevel, int option, int value, String name) {
        byte[] bytes = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        if (LIBC.setsockopt(fd, tcpLevel ? IPPROTO_TCP : SOL_SOCKET, option, bytes, bytes.length) != 0) {
            throw failure(name + "=" + value);
        }
    }

    public static String congestionControl(int fd) {
        byte[] value = new byte[16];
        IntByReference length = new IntByReference(value.length);
        if (LIBC.getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, value, length) != 0) {
            throw failure("TCP_CONGESTION");
        }
        int end = 0;
        while (end < length.intValue() && value[end] != 0) {
            end++;
        }
        return new String(value, 0, end, StandardCharsets.US_ASCII);
    }

    /**
     * Caps the rate the kernel paces this socket at (bytes per second; TCP paces by itself when no fq qdisc
     * does). A 64-bit value, as kernels since 4.20 take it.
     */
    public static void setMaxPacingRate(int fd, long bytesPerSecond) {
        byte[] value = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder())
                .putLong(bytesPerSecond).array();
        if (LIBC.setsockopt(fd, SOL_SOCKET, SO_MAX_PACING_RATE, value, value.length) != 0) {
            throw failure("SO_MAX_PACING_RATE=" + bytesPerSecond);
        }
    }

    /** The pacing cap set on this socket; all ones (unsigned) when none is. */
    public static long maxPacingRate(int fd) {
        byte[] value = new byte[8];
        IntByReference length = new IntByReference(value.length);
        if (LIBC.getsockopt(fd, SOL_SOCKET, SO_MAX_PACING_RATE, value, length) != 0) {
            throw failure("SO_MAX_PACING_RATE");
        }
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        return length.intValue() >= 8 ? b.getLong() : Integer.toUnsignedLong(b.getInt());
    }

    /**
     * Sets the receive buffer past {@code net.core.rmem_max} (SO_RCVBUFFORCE, which needs CAP_NET_ADMIN, as the
     * transparent proxy has); where refused, SO_RCVBUF, which the kernel caps at rmem_max. Returns the size the
     * kernel reports afterwards (it doubles the request for its bookkeeping).
     */
    public static int forceReceiveBuffer(int fd, int bytes) {
        byte[] value = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(bytes).array();
        if (LIBC.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, value, value.length) != 0
                && LIBC.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, value, value.length) != 0) {
            throw failure("SO_RCVBUF=" + bytes);
        }
        byte[] read = new byte[4];
        IntByReference length = new IntByReference(read.length);
        if (LIBC.getsockopt(fd, SOL_SOCKET, SO_RCVBUF, read, length) != 0) {
            throw failure("SO_RCVBUF");
        }
        return ByteBuffer.wrap(read).order(ByteOrder.nativeOrder()).getInt();
    }

    /** Reads the kernel's TCP_INFO for a connected socket. */
    public static TcpInfo tcpInfo(int fd) {
        byte[] buffer = new byte[TCP_INFO_MAX];
        IntByReference length = new IntByReference(buffer.length);
        if (LIBC.getsockopt(fd, IPPROTO_TCP, TCP_INFO, buffer, length) != 0) {
            throw failure("TCP_INFO");
        }
        return TcpInfo.parse(buffer, length.intValue());
    }

    /** Bytes received and not yet read (FIONREAD). */
    public static int unreadBytes(int fd) {
        IntByReference count = new IntByReference();
        if (LIBC.ioctl(fd, FIONREAD, count) != 0) {
            throw failure("FIONREAD");
        }
        return count.intValue();
    }

    /**
     * Sets a pipe's capacity (the kernel rounds it up to a power of two of pages); returns the capacity it has
     * now. Past {@code /proc/sys/fs/pipe-max-size}, or past the user's pipe pages, it needs CAP_SYS_RESOURCE.
     */
    public static int setPipeSize(int fd, int bytes) {
        int size = LIBC.fcntl(fd, F_SETPIPE_SZ, bytes);
        if (size < 0) {
            throw failure("F_SETPIPE_SZ=" + bytes);
        }
        return size;
    }

    /** A pipe's capacity in bytes. */
    public static int pipeSize(int fd) {
        int size = LIBC.fcntl(fd, F_GETPIPE_SZ, 0);
        if (size < 0) {
            throw failure("F_GETPIPE_SZ");
        }
        return size;
    }

    /** Makes an IPv6 socket refuse IPv4-mapped traffic, so the IPv4 listener gets IPv4 connections. */
    public static void setIpv6Only(int fd) {
        byte[] one = {1, 0, 0, 0};
        if (LIBC.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, one, one.length) != 0) {
            throw failure("IPV6_V6ONLY");
        }
    }

    private static NativeSocketException failure(String what) {
        int errno = jnr.ffi.Runtime.getRuntime(LIBC).getLastError();
        Errno known = Errno.valueOf(errno);
        String description = known == null || known == Errno.__UNKNOWN_CONSTANT__
                ? "errno " + errno : known.name() + " (" + known.description() + ")";
        return new NativeSocketException(what + ": " + description, errno);
    }

    /**
     * Loads the native bindings and makes each call once, on no socket (fd -1, which the kernel refuses with
     * EBADF), so that the first connection does not pay for it: binding libc (JNR generates its stubs when this
     * class loads) and the first call of each function, which the first connection through a newly started proxy
     * otherwise waits for before its first byte.
     */
    public static void warmUp() {
        byte[] value = new byte[TCP_INFO_MAX];
        IntByReference length = new IntByReference(value.length);
        LIBC.getsockopt(-1, IPPROTO_TCP, TCP_INFO, value, length);
        LIBC.setsockopt(-1, IPPROTO_TCP, TCP_CONGESTION, value, 4);
        LIBC.ioctl(-1, FIONREAD, length);
        failure("warm-up");
        TcpInfo.parse(value, value.length);
    }

    /** A failed socket call, with its errno. */
    public static final class NativeSocketException extends RuntimeException {
        private final int errno;

        NativeSocketException(String message, int errno) {
            super(message);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }
}
