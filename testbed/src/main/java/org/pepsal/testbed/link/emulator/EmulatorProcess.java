package org.pepsal.testbed.link.emulator;

import org.pepsal.testbed.link.LinkJson;
import org.pepsal.testbed.link.LinkSpec;
import org.pepsal.testbed.link.LinkStats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The testbed's handle on one {@link LinkEmulator} process: starts it in its own JVM (ZGC, small heap: the
 * packet path allocates nothing, so the collector has nothing to pause for), speaks its line protocol, and
 * stops it by its pid. The emulator also exits by itself when this side's end of its stdin closes, so even a
 * runner killed by SIGKILL does not leave it running for long.
 */
public final class EmulatorProcess implements AutoCloseable {
    private static final long REPLY_TIMEOUT_SECONDS = 30;

    private final Process process;
    private final PrintStream commands;
    private final BlockingQueue<String> replies = new ArrayBlockingQueue<>(64);
    private final Path errorLog;

    private EmulatorProcess(Process process, Path errorLog) {
        this.process = process;
        this.errorLog = errorLog;
        this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readReplies, "emulator-replies-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts an emulator that creates TUN devices {@code aDevice}, {@code bDevice} and moves them into the namespaces. */
    public static EmulatorProcess start(String runPrefix, LinkSpec spec, String aDevice, String aNamespace,
                                        String bDevice, String bNamespace, boolean realtime) {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-XX:+UseZGC", "-Xms64m", "-Xmx1g",
                "-XX:+AlwaysPreTouch", "-cp", System.getProperty("java.class.path"), LinkEmulator.MAIN_CLASS,
                "--run-prefix", runPrefix, "--a-device", aDevice, "--a-namespace", aNamespace,
                "--b-device", bDevice, "--b-namespace", bNamespace));
        if (realtime) {
            command.add("--realtime");
        }
        try {
            Path errorLog = Files.createTempFile(runPrefix + "emulator-", ".log");
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(errorLog.toFile())).start();
            EmulatorProcess emulator = new EmulatorProcess(process, errorLog);
            emulator.commands.println(LinkJson.write(spec));
            emulator.expectReply("ready");
            return emulator;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the link emulator: " + e.getMessage(), e);
        }
    }

    private static String javaExecutable() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Starts the schedule's clock; returns the emulator's start instant as a {@link System#nanoTime()} value. */
    public long startSchedule() {
        commands.println("start");
        return Long.parseLong(expectReply("started"));
    }

    /** Takes {@code nanos} off every delay from now on, never below none; {@link Long#MAX_VALUE}: no delay. */
    public void cutDelay(long nanos) {
        commands.println("cut " + (nanos == Long.MAX_VALUE ? "max" : Long.toString(nanos)));
        expectReply("cut");
    }

    public LinkStats stats() {
        commands.println("stats");
        return LinkJson.read(expectReply("stats"), LinkStats.class);
    }

    private String expectReply(String keyword) {
        String line;
        try {
            line = replies.poll(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the link emulator", e);
        }
        if (line == null || !(line.equals(keyword) || line.startsWith(keyword + " "))) {
            String why = line == null ? (process.isAlive() ? "no answer" : "it exited") : "it answered '" + line + "'";
            throw new IllegalStateException("link emulator (pid " + pid() + ") did not answer " + keyword + ": " + why
                    + "\n" + errors());
        }
        return line.substring(keyword.length()).strip();
    }

    private void readReplies() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                replies.put(line);
            }
        } catch (IOException e) {
            // The process ended; expectReply reports it.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the emulator wrote to stderr. */
    public String errors() {
        try {
            return Files.readString(errorLog);
        } catch (IOException e) {
            return "";
        }
    }

    /** Asks the emulator to stop, then ends it by its pid if it does not; its TUN devices vanish with it. */
    @Override
    public void close() {
        if (process.isAlive()) {
            commands.println("stop");
            commands.close();
            try {
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(errorLog);
        } catch (IOException e) {
            // A leftover log in the temp directory is harmless.
        }
    }
}
