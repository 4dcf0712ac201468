package org.pepsal.testbed.link.emulator;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The few libc calls the emulator needs that the JDK lacks (TUN's ioctl, ppoll with a nanosecond timeout,
 * timer slack, real-time priority). The packet-path calls take raw addresses and primitives only, so that
 * calling them allocates nothing.
 */
final class Native {
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final int IFNAMSIZ = 16;
    static final int IFREQ_SIZE = 40;
    static final short POLLIN = 0x1;
    static final int POLLFD_SIZE = 8;
    static final int PR_SET_TIMERSLACK = 29;
    static final int SCHED_FIFO = 1;

    public interface LibC {
        @SaveError
        int open(String path, int flags);

        @SaveError
        int ioctl(int fd, long request, Pointer argument);

        @SaveError
        int pipe2(@Out int[] fds, int flags);

        @SaveError
        int prctl(int option, long arg2, long arg3, long arg4, long arg5);

        @SaveError
        int sched_setscheduler(int pid, int policy, Pointer param);

        int close(int fd);

        /** read(2) into a raw address: returns the byte count, or -1 (EAGAIN when nothing is waiting). */
        long read(int fd, long address, long count);

        long write(int fd, long address, long count);

        /** ppoll(2) on raw addresses of a pollfd array and a timespec (0 for no timeout), no signal mask. */
        int ppoll(long pollfds, long count, long timespec, long sigmask);
    }

    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Native() {
    }

    static int lastError() {
        return RUNTIME.getLastError();
    }
}
