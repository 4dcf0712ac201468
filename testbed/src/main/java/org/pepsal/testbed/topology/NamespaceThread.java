package org.pepsal.testbed.topology;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A thread that lives inside one network namespace. Linux keeps the network namespace per thread, and a
 * socket stays in the namespace it was created in, so sockets opened by {@link #call} belong to the
 * namespace and can then be used from any thread. This lets tests and the flow workload run in-process.
 */
final class NamespaceThread implements AutoCloseable {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY_CLOEXEC = 0x80000;

    public interface LibC {
        @SaveError
        int open(String path, int flags);

        @SaveError
        int setns(int fd, int nstype);

        int close(int fd);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

    private final ExecutorService executor;

    NamespaceThread(String namespace) {
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netns-" + namespace);
            t.setDaemon(true);
            return t;
        });
        call(() -> {
            enter(namespace);
            return null;
        });
    }

    private static void enter(String namespace) {
        String path = "/var/run/netns/" + namespace;
        int fd = LIBC.open(path, O_RDONLY_CLOEXEC);
        if (fd < 0) {
            throw new IllegalStateException("cannot open " + path + ": errno " + lastError());
        }
        try {
            if (LIBC.setns(fd, CLONE_NEWNET) != 0) {
                throw new IllegalStateException("setns into " + namespace + " failed: errno " + lastError()
                        + " (needs CAP_SYS_ADMIN)");
            }
        } finally {
            LIBC.close(fd);
        }
    }

    private static int lastError() {
        return jnr.ffi.Runtime.getRuntime(LIBC).getLastError();
    }

    <T> T call(Callable<T> task) {
        try {
            return executor.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
