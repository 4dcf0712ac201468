package org.pepsal.testbed.link.emulator;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.pepsal.testbed.link.LinkDirection;
import org.pepsal.testbed.link.LinkJson;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.link.LinkStats;
import org.pepsal.testbed.link.Schedule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The userspace link emulator, run as its own process (its own JVM, started with ZGC) so that the testbed's
 * garbage collector never touches its timing. It creates the link's two TUN devices in its own (root)
 * namespace, moves them into the two hosts' namespaces, and forwards packets between them with one
 * {@link DirectionPump} per direction.
 *
 * <p>Protocol on stdin/stdout, one line each: the parent writes the {@link LinkSpec} as JSON; the emulator
 * answers {@code ready} once both devices are in place. Then {@code start} starts the workload: the schedule's
 * and a trace's clock, fresh loss and jitter streams, counters from zero (answer: {@code started
 * <System.nanoTime()>}, comparable across processes since both use CLOCK_MONOTONIC); {@code cut <nanos>} takes
 * that much off every delay from then on, never below none ({@code cut max}: no delay at all, to measure the path
 * itself; answer: {@code cut <nanos>}); {@code stats} answers {@code stats <LinkStats JSON>}, counted since the
 * workload's start (since the emulator's before it); and {@code stop} or the end of stdin — the parent died —
 * ends the process.
 */
@Command(name = "link-emulator", mixinStandardHelpOptions = true,
        description = "Emulates one link between two network namespaces over TUN devices.")
public final class LinkEmulator implements Callable<Integer> {
    /** Main-class name that {@code testbed clean} looks for in the command lines of leftover processes. */
    public static final String MAIN_CLASS = LinkEmulator.class.getName();

    @Option(names = "--run-prefix", required = true, description = "The run's prefix (recognised by `testbed clean`).")
    String runPrefix;

    @Option(names = "--a-device", required = true)
    String aDevice;

    @Option(names = "--a-namespace", required = true)
    String aNamespace;

    @Option(names = "--b-device", required = true)
    String bDevice;

    @Option(names = "--b-namespace", required = true)
    String bNamespace;

    @Option(names = "--realtime", description = "Run the direction threads with SCHED_FIFO priority where permitted.")
    boolean realtime;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LinkEmulator()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String specLine = in.readLine();
        if (specLine == null) {
            return 1;
        }
        LinkSpec spec = LinkJson.read(specLine, LinkSpec.class);
        requireConstantReordering(spec);
        try (TunDevice a = TunDevice.create(aDevice); TunDevice b = TunDevice.create(bDevice)) {
            a.moveTo(aNamespace);
            b.moveTo(bNamespace);
            int[] aWake = wakePipe();
            int[] bWake = wakePipe();
            DirectionPump aToB = pump(aDevice + ">" + bDevice, a, b, aWake[0], spec, true);
            DirectionPump bToA = pump(bDevice + ">" + aDevice, b, a, bWake[0], spec, false);
            List<Thread> threads = List.of(thread(aToB), thread(bToA));
            threads.forEach(Thread::start);
            out.println("ready");
            Pointer wakeByte = Memory.allocateDirect(Native.RUNTIME, 1, true);
            for (String command = in.readLine(); command != null && !command.equals("stop"); command = in.readLine()) {
                if (command.startsWith("cut ")) {
                    String amount = command.substring(4).strip();
                    try {
                        long nanos = amount.equals("max") ? Long.MAX_VALUE : Long.parseLong(amount);
                        aToB.cutDelay(nanos);
                        bToA.cutDelay(nanos);
                        out.println("cut " + nanos);
                    } catch (NumberFormatException e) {
                        out.println("error not a nanosecond count: " + amount);
                    }
                    continue;
                }
                switch (command) {
                    case "start" -> {
                        long now = System.nanoTime();
                        aToB.startSchedule(now);
                        bToA.startSchedule(now);
                        Native.LIBC.write(aWake[1], wakeByte.address(), 1);
                        Native.LIBC.write(bWake[1], wakeByte.address(), 1);
                        out.println("started " + now);
                    }
                    case "stats" -> out.println("stats " + LinkJson.write(new LinkStats(stats(aToB), stats(bToA))));
                    default -> out.println("error unknown command: " + command);
                }
            }
            aToB.stop();
            bToA.stop();
            for (Thread thread : threads) {
                thread.join(2000);
            }
        }
        return 0;
    }

    /** A pump's delivery order is fixed for its life: switching it mid-flight could strand queued packets. */
    private static void requireConstantReordering(LinkSpec spec) {
        for (boolean aToB : new boolean[] {true, false}) {
            if (spec.allSettings(aToB).stream().map(LinkDirection::reordering).distinct().count() > 1) {
                throw new IllegalArgumentException("a schedule must not switch reordering on or off");
            }
        }
    }

    private DirectionPump pump(String name, TunDevice ingress, TunDevice egress, int wakeFd, LinkSpec spec,
                               boolean aToB) {
        List<LinkDirection> all = spec.allSettings(aToB);
        PathSettings[] settings = new PathSettings[all.size()];
        long[] stepAt = new long[all.size()];
        long arenaBytes = 0;
        for (int i = 0; i < all.size(); i++) {
            Schedule.Step step = i == 0 ? null : spec.schedule().steps().get(i - 1);
            java.time.Duration rtt = step == null ? spec.baseRtt() : step.aToB().delay().plus(step.bToA().delay());
            long queueBytes = LinkSpec.queueLimitBytes(all.get(i), rtt);
            settings[i] = new PathSettings(all.get(i), queueBytes);
            stepAt[i] = step == null ? 0 : step.at().toNanos();
            arenaBytes = Math.max(arenaBytes, arenaBytes(all.get(i), queueBytes));
        }
        return new DirectionPump(name, ingress.fd(), egress.fd(), wakeFd, settings, stepAt, arenaBytes,
                spec.seed() * 31 + (aToB ? 1 : 2));
    }

    /**
     * Packet memory for one direction: the queue plus what the delay line holds at full rate, with half again
     * for small packets' padding and jitter; an unlimited rate is sized as 4 Gbit/s, beyond this emulator.
     */
    static long arenaBytes(LinkDirection direction, long queueBytes) {
        double rate = direction.unlimitedRate() ? 4e9 : direction.rateBitsPerSecond();
        double inFlight = rate / 8 * (direction.delay().plus(direction.jitter()).toNanos() / 1e9);
        long queue = Math.min(queueBytes, 1L << 30);
        return Math.min(2L << 30, (long) (1.5 * (queue + inFlight)) + (8L << 20));
    }

    private Thread thread(DirectionPump pump) {
        Thread thread = new Thread(() -> {
            if (realtime) {
                Pointer param = Memory.allocateDirect(Native.RUNTIME, 4, true);
                param.putInt(0, 50);
                if (Native.LIBC.sched_setscheduler(0, Native.SCHED_FIFO, param) != 0) {
                    System.err.println(pump.name() + ": real-time priority refused (errno " + Native.lastError() + ")");
                }
            }
            pump.run();
        }, "pump " + pump.name());
        thread.setDaemon(true);
        return thread;
    }

    private static int[] wakePipe() {
        int[] fds = new int[2];
        if (Native.LIBC.pipe2(fds, Native.O_NONBLOCK | Native.O_CLOEXEC) != 0) {
            throw new IllegalStateException("pipe2 failed: errno " + Native.lastError());
        }
        return fds;
    }

    private static LinkStats.Direction stats(DirectionPump pump) {
        PumpCounters c = pump.counters;
        LatenessHistogram h = pump.lateness;
        // TUN overflows happen in the kernel, before this process reads anything: the testbed's side counts them.
        return new LinkStats.Direction(c.received, c.tailDrops, c.lossDrops, c.bufferDrops, 0, c.delivered,
                c.writeErrors, c.stepsApplied, h.quantileMillis(0.5), h.quantileMillis(0.99),
                h.quantileMillis(0.999), h.maxMillis());
    }
}
