package org.pepsal.testbed.link;

import org.pepsal.testbed.traffic.Iperf3;
import org.pepsal.testbed.link.emulator.EmulatorProcess;
import org.pepsal.testbed.topology.Host;
import org.pepsal.testbed.topology.TcpSettings;
import org.pepsal.testbed.topology.Topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Prints the userspace emulator's own figures (not a test: it judges nothing): throughput with an unlimited
 * rate at zero and at 300 ms one-way delay, its CPU per 100 Mbit/s, and how late it delivers packets under a
 * 100 Mbit/s bulk flow, with and without real-time priority. Run by {@code scripts/bench-link.sh}.
 */
public final class LinkBenchmark {
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private LinkBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        System.out.printf("load average before: %s%n", Files.readString(Path.of("/proc/loadavg")).strip());
        LinkDirection unlimited = LinkDirection.of(LinkDirection.UNLIMITED_RATE, Duration.ZERO);
        measure("throughput, unlimited rate, 0 ms delay, 1 TCP flow", LinkSpec.symmetric(unlimited), true,
                hosts -> tcp(hosts, 1, 8, 2));
        measure("throughput, unlimited rate, 300 ms one-way delay, 8 TCP flows",
                LinkSpec.symmetric(unlimited.withDelay(Duration.ofMillis(300))), true,
                hosts -> tcp(hosts, 8, 16, 8));
        LinkSpec hundred = LinkSpec.symmetric(LinkDirection.of(100_000_000, Duration.ofMillis(20)));
        measure("100 Mbit/s link, 20 ms one-way delay, 1 TCP flow (real-time priority)", hundred, true,
                hosts -> tcp(hosts, 1, 10, 2));
        measure("100 Mbit/s link, 20 ms one-way delay, 1 TCP flow (normal priority)", hundred, false,
                hosts -> tcp(hosts, 1, 10, 2));
        System.out.printf("load average after: %s%n", Files.readString(Path.of("/proc/loadavg")).strip());
    }

    private record Hosts(Host a, Host b, String bAddress) {
    }

    private static double tcp(Hosts hosts, int streams, int seconds, int omit) {
        return Iperf3.run(hosts.a, hosts.b, hosts.bAddress,
                Iperf3.Transfer.tcp(Duration.ofSeconds(seconds), streams).omitting(omit), null).goodputBitsPerSecond();
    }

    private static void measure(String title, LinkSpec spec, boolean realtime, Function<Hosts, Double> load) {
        try (Topology topology = Topology.create()) {
            Host a = topology.host("a");
            Host b = topology.host("b");
            // 512 MB buffers: a 1 Gbit/s flow over a 600 ms RTT needs 75 MB in flight.
            TcpSettings tcp = new TcpSettings(null, 512L << 20, java.util.Map.of());
            tcp.apply(a);
            tcp.apply(b);
            var link = (UserspaceBackend.UserspaceLink) new UserspaceBackend(realtime).connect(topology, a, b, spec);
            EmulatorProcess emulator = link.emulator();
            long cpuBefore = cpuTicks(emulator.pid());
            long start = System.nanoTime();
            double bitsPerSecond = load.apply(new Hosts(a, b, link.link().b().ipv4()));
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuShare = (cpuTicks(emulator.pid()) - cpuBefore) / (double) CLOCK_TICKS_PER_SECOND / seconds;
            LinkStats.Direction forward = link.stats().orElseThrow().aToB();
            System.out.printf("%s%n  goodput %.1f Mbit/s; emulator CPU %.1f %% of one core over the run (%.1f %% per 100 Mbit/s)%n"
                            + "  lateness p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms over %d packets; drops: tail %d, "
                            + "buffer %d, TUN overflows %d%n",
                    title, bitsPerSecond / 1e6, cpuShare * 100, cpuShare * 100 / (bitsPerSecond / 1e8),
                    forward.latenessP50Millis(), forward.latenessP99Millis(), forward.latenessP999Millis(),
                    forward.latenessMaxMillis(), forward.delivered(), forward.tailDrops(), forward.bufferDrops(),
                    forward.tunOverflows());
        }
    }

    /** utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the CPU time of " + pid, e);
        }
    }
}
