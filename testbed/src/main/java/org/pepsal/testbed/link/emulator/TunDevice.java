package org.pepsal.testbed.link.emulator;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.pepsal.testbed.topology.Shell;

import java.nio.charset.StandardCharsets;

/**
 * A layer-3 TUN device (IFF_TUN | IFF_NO_PI: each read or write is exactly one IP packet) created in the
 * namespace of this process and then moved into a host's namespace. The file descriptor keeps working after
 * the move, and because the device is not persistent the kernel deletes it when the descriptor closes — so
 * an emulator that dies, even by SIGKILL, leaves no device behind.
 */
final class TunDevice implements AutoCloseable {
    private final String name;
    private final int fd;

    private TunDevice(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    static TunDevice create(String name) {
        if (name.length() >= Native.IFNAMSIZ) {
            throw new IllegalArgumentException("device name longer than " + (Native.IFNAMSIZ - 1) + ": " + name);
        }
        int fd = Native.LIBC.open("/dev/net/tun", Native.O_RDWR | Native.O_NONBLOCK | Native.O_CLOEXEC);
        if (fd < 0) {
            throw new IllegalStateException("cannot open /dev/net/tun: errno " + Native.lastError());
        }
        Pointer ifreq = Memory.allocateDirect(Native.RUNTIME, Native.IFREQ_SIZE, true);
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        ifreq.put(0, nameBytes, 0, nameBytes.length);
        ifreq.putShort(Native.IFNAMSIZ, (short) (Native.IFF_TUN | Native.IFF_NO_PI));
        if (Native.LIBC.ioctl(fd, Native.TUNSETIFF, ifreq) != 0) {
            int errno = Native.lastError();
            Native.LIBC.close(fd);
            throw new IllegalStateException("TUNSETIFF " + name + " failed: errno " + errno + " (needs CAP_NET_ADMIN)");
        }
        return new TunDevice(name, fd);
    }

    /** Moves the device into a network namespace; its addresses and up-state must be set there afterwards. */
    void moveTo(String namespace) {
        Shell.run("ip", "link", "set", "dev", name, "netns", namespace);
    }

    String name() {
        return name;
    }

    int fd() {
        return fd;
    }

    @Override
    public void close() {
        Native.LIBC.close(fd);
    }
}
