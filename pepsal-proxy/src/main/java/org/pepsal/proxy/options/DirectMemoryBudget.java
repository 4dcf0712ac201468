package org.pepsal.proxy.options;

import io.netty.util.internal.PlatformDependent;

/**
 * Whether what the relay may hold in user space fits in the JVM's direct memory. The relay's buffers are direct
 * (Netty reads sockets into native memory), so queues larger than {@code -XX:MaxDirectMemorySize} would end in
 * {@code OutOfDirectMemoryError} for whichever connection reads next, not the one that filled them. Checked at
 * start-up, so a limit too small for the settings is an error then.
 */
public final class DirectMemoryBudget {
    private static final long MIB = 1024 * 1024;
    /** Room besides the queues: buffers of reads under way, and the allocator's partly used chunks. */
    static final long MIN_HEADROOM = 64 * MIB;

    private DirectMemoryBudget() {
    }

    /** The most every connection's queues together can hold: each direction its bound, all within the budget. */
    public static long queueBound(int conns, int relayBuffer, long relayMemory) {
        return Math.min((long) conns * 2 * relayBuffer, relayMemory);
    }

    static long headroom(long queues) {
        return Math.max(MIN_HEADROOM, queues / 4);
    }

    /** Throws with what to change when the queues and their headroom exceed {@code maxDirect} bytes. */
    static void check(int conns, int relayBuffer, long relayMemory, long maxDirect) {
        long queues = queueBound(conns, relayBuffer, relayMemory);
        long needed = queues + headroom(queues);
        if (needed > maxDirect) {
            throw new IllegalArgumentException("the relay may hold " + mib(queues) + " MiB in direct memory (the "
                    + "smaller of --conns " + conns + " x 2 directions x --relay-buffer " + relayBuffer
                    + " bytes, and --relay-memory " + relayMemory + " bytes) plus " + mib(headroom(queues))
                    + " MiB of headroom, but the JVM's direct memory limit is " + mib(maxDirect) + " MiB: raise "
                    + "-XX:MaxDirectMemorySize to at least " + mib(needed + MIB - 1) + "m (PEPSAL_JAVA_OPTS in the "
                    + "container, the java command line in the systemd unit), or lower --relay-memory, "
                    + "--relay-buffer or --conns");
        }
    }

    /** Throws with what to change when the settings' queues and headroom exceed {@code maxDirect} bytes. */
    public static void check(ProxySettings settings, long maxDirect) {
        check(settings.maxConnections(), settings.relayBuffer(), settings.relayMemory(), maxDirect);
    }

    /** Checks the settings against the limit Netty enforces for this JVM. */
    public static void checkThisProcess(ProxySettings settings) {
        // Netty counts its direct buffers against this limit itself (-XX:MaxDirectMemorySize, else the heap's
        // maximum) and throws OutOfDirectMemoryError past it.
        check(settings, PlatformDependent.maxDirectMemory());
    }

    private static long mib(long bytes) {
        return bytes / MIB;
    }
}
