package org.pepsal.proxy.options;

import jnr.constants.platform.RLIMIT;
import jnr.posix.POSIXFactory;
import jnr.posix.RLimit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Whether {@code --conns} connections fit in the process's descriptor limit (RLIMIT_NOFILE). Each connection holds
 * one descriptor per leg; with {@code --splice} also a pipe (two descriptors) per direction. Checked at start-up,
 * so a limit too small for the configured table is an error then rather than resets under load.
 */
public final class DescriptorBudget {
    /** Descriptors per connection: the two legs, plus two pipes of two ends each when splicing. */
    static int perConnection(boolean splice) {
        return splice ? 6 : 2;
    }

    /** Descriptors a proxy holds besides its connections: two listeners per event loop, and some to spare. */
    static int overhead(int eventLoops) {
        return 2 * eventLoops + 32;
    }

    private DescriptorBudget() {
    }

    /**
     * Throws with what to change when {@code inUse} descriptors already open plus what the settings need exceed
     * {@code limit} (negative: unlimited).
     */
    static void check(int conns, boolean splice, int eventLoops, long inUse, long limit) {
        int each = perConnection(splice);
        long besides = inUse + overhead(eventLoops);
        long needed = besides + (long) conns * each;
        if (limit >= 0 && needed > limit) {
            throw new IllegalArgumentException("--conns " + conns + " needs about " + needed
                    + " file descriptors (" + each + " per connection" + (splice ? " with --splice" : "")
                    + ", plus " + besides + " for the process itself), but RLIMIT_NOFILE is " + limit
                    + ": raise it (LimitNOFILE= in the systemd unit, ulimit -n) or lower --conns to at most "
                    + Math.max(0, (limit - besides) / each));
        }
    }

    /** Checks the settings against this process's soft limit and the descriptors it has open now. */
    public static void checkThisProcess(ProxySettings settings) {
        RLimit limit = POSIXFactory.getNativePOSIX().getrlimit(RLIMIT.RLIMIT_NOFILE.intValue());
        check(settings.maxConnections(), settings.splice(), settings.eventLoopThreads(), openDescriptors(),
                limit.rlimCur());
    }

    private static long openDescriptors() {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        } catch (IOException e) {
            return 0;
        }
    }
}
