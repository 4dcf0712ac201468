package org.pepsal.testbed.measure.sockdiag;

import org.pepsal.testbed.topology.Host;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples, about every {@value #PERIOD_MILLIS} ms, the TCP sockets of some hosts whose local or remote port is one
 * of the workload's server ports, through {@link SockDiag}. One thread reads every host's socket in turn; a host
 * whose dump fails stops being sampled and the reason is kept.
 */
public final class SocketSampler implements AutoCloseable {
    public static final long PERIOD_MILLIS = 100;

    private final List<SockDiag> diags;
    private final Set<Integer> ports;
    private final List<SocketRecord> records = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "socket-sampler");
        thread.setDaemon(true);
        return thread;
    });

    private SocketSampler(List<SockDiag> diags, Set<Integer> ports) {
        this.diags = new ArrayList<>(diags);
        this.ports = Set.copyOf(ports);
    }

    /** Starts sampling {@code hosts}; a host whose sock_diag socket cannot be opened is noted, not fatal. */
    public static SocketSampler start(List<Host> hosts, Set<Integer> ports) {
        List<SockDiag> diags = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Host host : hosts) {
            try {
                diags.add(SockDiag.open(host));
            } catch (RuntimeException e) {
                problems.add(host.role() + ": " + e.getMessage());
            }
        }
        SocketSampler sampler = new SocketSampler(diags, ports);
        sampler.problems.addAll(problems);
        sampler.timer.scheduleAtFixedRate(sampler::sample, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return sampler;
    }

    private void sample() {
        for (SockDiag diag : List.copyOf(diags)) {
            try {
                List<SocketRecord> dump = diag.dump();
                synchronized (records) {
                    for (SocketRecord record : dump) {
                        if (ports.contains(record.local().getPort()) || ports.contains(record.remote().getPort())) {
                            records.add(record);
                        }
                    }
                }
            } catch (RuntimeException e) {
                synchronized (records) {
                    problems.add(diag.host() + ": " + e.getMessage());
                    diags.remove(diag);
                }
                diag.close();
            }
        }
    }

    /** Stops sampling (after one last sample) and returns every record, in the order they were read. */
    public List<SocketRecord> stop() {
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** Why some host was not (or no longer) sampled. */
    public List<String> problems() {
        synchronized (records) {
            return List.copyOf(problems);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        diags.forEach(SockDiag::close);
        diags.clear();
    }
}
