package org.pepsal.testbed.topology;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** A host of the testbed: one network namespace, the processes started in it, and its settings. */
public final class Host {
    private final String role;
    private final String namespace;
    private final List<ManagedProcess> processes = new ArrayList<>();
    private NamespaceThread thread;

    Host(String role, String namespace) {
        this.role = role;
        this.namespace = namespace;
    }

    public String role() {
        return role;
    }

    public String namespace() {
        return namespace;
    }

    /** Runs a command inside this host and returns its output; fails with its stderr. */
    public String exec(String... command) {
        Shell.Result result = tryExec(command);
        if (!result.ok()) {
            throw new Shell.CommandFailedException(result);
        }
        return result.stdout();
    }

    public Shell.Result tryExec(String... command) {
        return Shell.tryRun(Shell.inNamespace(namespace, List.of(command)));
    }

    /** Sets a sysctl inside this host's namespace (only namespaced sysctls can differ between hosts). */
    public void sysctl(String key, String value) {
        exec("sysctl", "-q", "-w", key + "=" + value);
    }

    public String sysctl(String key) {
        return exec("sysctl", "-n", key).strip();
    }

    /** Runs a task on a thread inside this namespace: sockets it opens belong to this host. */
    public synchronized <T> T call(Callable<T> task) {
        if (thread == null) {
            thread = new NamespaceThread(namespace);
        }
        return thread.call(task);
    }

    /** Starts a long-running process inside this host; it is stopped when the topology is closed. */
    public ManagedProcess start(String name, List<String> command, Path log) {
        try {
            ManagedProcess process = ManagedProcess.start(name, Shell.inNamespace(namespace, command), log);
            synchronized (processes) {
                processes.add(process);
            }
            return process;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + " in " + namespace + ": " + e.getMessage(), e);
        }
    }

    void stopProcesses() {
        synchronized (processes) {
            for (ManagedProcess process : processes) {
                process.stop();
            }
            processes.clear();
        }
        if (thread != null) {
            thread.close();
            thread = null;
        }
    }

    @Override
    public String toString() {
        return role + "(" + namespace + ")";
    }
}
