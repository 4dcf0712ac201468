package org.pepsal.testbed.bench;

import org.pepsal.testbed.topology.Shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** CPU time from {@code /proc}: a process's (all its threads), and the whole machine's by kind. */
final class Cpu {
    private static final double CLOCK_TICKS = Double.parseDouble(Shell.run("getconf", "CLK_TCK").strip());

    private Cpu() {
    }

    /** A process's user and system CPU seconds so far. */
    record ProcessTime(double user, double system) {
        static ProcessTime of(long pid) {
            String stat = read(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new ProcessTime(Long.parseLong(fields[11]) / CLOCK_TICKS, Long.parseLong(fields[12]) / CLOCK_TICKS);
        }

        double total() {
            return user + system;
        }

        ProcessTime since(ProcessTime earlier) {
            return new ProcessTime(user - earlier.user, system - earlier.system);
        }
    }

    /** The machine's CPU time by kind ({@code /proc/stat}'s first line, in ticks), to tell whose work limits a run. */
    record MachineTime(long user, long system, long softirq, long idle, long total) {
        static MachineTime now() {
            String first = read(Path.of("/proc/stat")).lines().findFirst().orElseThrow();
            long[] t = Arrays.stream(first.trim().split("\\s+")).skip(1).mapToLong(Long::parseLong).toArray();
            // user nice system idle iowait irq softirq steal ...
            return new MachineTime(t[0] + t[1], t[2] + t[5], t[6], t[3] + t[4], Arrays.stream(t).limit(8).sum());
        }

        MachineTime since(MachineTime earlier) {
            return new MachineTime(user - earlier.user, system - earlier.system, softirq - earlier.softirq,
                    idle - earlier.idle, total - earlier.total);
        }

        /** Shares of the elapsed CPU time: user, system (with hard interrupts), softirq, idle. */
        double[] shares() {
            double all = Math.max(1, total);
            return new double[] {user / all, system / all, softirq / all, idle / all};
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
