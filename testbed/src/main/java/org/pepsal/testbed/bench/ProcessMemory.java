package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.Shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A JVM's resident memory as the kernel counts it, and a full GC first so that garbage is not counted. */
final class ProcessMemory {
    private ProcessMemory() {
    }

    /** Asks the JVM {@code pid} for a full GC ({@code jcmd GC.run}); best effort. */
    static void gc(long pid) {
        Shell.tryRun(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), "GC.run");
    }

    /** VmRSS of {@code pid}, in KiB. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
