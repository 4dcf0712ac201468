package org.pepsal.proxy.relay;

import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.unix.FileDescriptor;
import org.pepsal.proxy.socket.NativeSockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pipe a spliced direction passes through, grown past the kernel's default of 64 KiB (16 pages) once the
 * direction carries bulk. Netty's {@code spliceTo} splices from the socket into a pipe until the pipe is full or the
 * socket has no more, then from the pipe into the other socket, once per wake-up: the pipe's capacity is the chunk
 * each wake-up moves. A pipe's slots hold page fragments, so the default 16 fill with much less than 64 KiB when
 * segments are small.
 * <p>
 * Netty makes the pipe itself, lazily on the first splice, on the target channel, and offers no way to size it:
 * its descriptor is read from Netty's private field (found once; if a Netty version renames it, pipes keep the
 * kernel's default and a warning says so). Only a direction that has spliced a pipe's worth is grown, so idle and
 * short connections keep the small pipe (a larger one costs its slot array, 40 bytes a page, however empty).
 */
final class SplicePipe {
    private static final Logger LOG = LoggerFactory.getLogger(SplicePipe.class);
    /** A pipe's capacity until it is set (PIPE_DEF_BUFFERS pages). */
    static final int DEFAULT_CAPACITY = 64 * 1024;
    private static final int PIPE_MAX_SIZE = pipeMaxSize();
    private static final VarHandle PIPE_OUT = pipeOutField();

    private SplicePipe() {
    }

    /**
     * The capacity a bulk direction's pipe is given: its {@code --relay-buffer} bound (the most a copying
     * direction holds in user space, so splicing holds no more in the kernel), within
     * {@code /proc/sys/fs/pipe-max-size}, as a power of two (the kernel rounds up). Never below the default.
     */
    static int capacity(int relayBuffer) {
        return Math.max(DEFAULT_CAPACITY, Integer.highestOneBit(Math.min(relayBuffer, PIPE_MAX_SIZE)));
    }

    /**
     * Gives the pipe Netty splices into {@code target} through {@code capacity} bytes. Returns false while Netty
     * has not made it yet (try again after the next splice), true once it is settled: grown, or refused (the
     * kernel's per-user pipe limits; logged at debug), or impossible with this Netty. On {@code target}'s event
     * loop, with it open (Netty closes the pipe with it).
     */
    static boolean grow(AbstractEpollStreamChannel target, int capacity) {
        if (PIPE_OUT == null || capacity <= DEFAULT_CAPACITY || !target.isOpen()) {
            return true;
        }
        FileDescriptor pipe = (FileDescriptor) PIPE_OUT.get(target);
        if (pipe == null) {
            return false;
        }
        try {
            NativeSockets.setPipeSize(pipe.intValue(), capacity);
        } catch (NativeSockets.NativeSocketException e) {
            LOG.debug("splice pipe kept at its size: {}", e.getMessage());
        }
        return true;
    }

    /** The capacity of the pipe Netty splices into {@code target}; 0 before it made one. */
    static int capacityOf(AbstractEpollStreamChannel target) {
        FileDescriptor pipe = PIPE_OUT == null ? null : (FileDescriptor) PIPE_OUT.get(target);
        return pipe == null ? 0 : NativeSockets.pipeSize(pipe.intValue());
    }

    private static VarHandle pipeOutField() {
        try {
            return MethodHandles.privateLookupIn(AbstractEpollStreamChannel.class, MethodHandles.lookup())
                    .findVarHandle(AbstractEpollStreamChannel.class, "pipeOut", FileDescriptor.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("splice pipes keep the kernel's 64 KiB: this Netty's pipe is out of reach ({})", e.toString());
            return null;
        }
    }

    private static int pipeMaxSize() {
        try {
            // Not Files.readString: for a file of size 0 it reads one byte first, and a sysctl file read from an
            // offset past 0 ends there, so "1048576" came back as "1".
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/fs/pipe-max-size")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return 1024 * 1024; // the kernel's default
        }
    }
}
