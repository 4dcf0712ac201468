package org.pepsal.testbed.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one place that runs system commands ({@code ip}, {@code sysctl}, {@code iptables}, ...) and turns
 * their failures into errors that name the command and quote what it printed.
 */
public final class Shell {
    private Shell() {
    }

    /** What a finished command returned. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs a command and fails with its stderr when it exits non-zero. */
    public static String run(String... command) {
        Result result = tryRun(command);
        if (!result.ok()) {
            throw new CommandFailedException(result);
        }
        return result.stdout();
    }

    /** Runs a command; the caller decides what a non-zero exit means. */
    public static Result tryRun(String... command) {
        return tryRun(List.of(command));
    }

    public static Result tryRun(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            // Read both streams concurrently so that a chatty command never blocks on a full pipe.
            var err = new java.util.concurrent.CompletableFuture<String>();
            Thread errReader = new Thread(() -> err.complete(readAll(process.getErrorStream())), "shell-stderr");
            errReader.setDaemon(true);
            errReader.start();
            String out = readAll(process.getInputStream());
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("command did not finish in 120 s: " + String.join(" ", command));
            }
            return new Result(List.copyOf(command), process.exitValue(), out, err.join());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Whether an executable is on the PATH. */
    public static boolean available(String executable) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (new java.io.File(dir, executable).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /** Prefixes a command so that it runs inside a network namespace. */
    public static List<String> inNamespace(String namespace, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** A command that exited non-zero. */
    public static final class CommandFailedException extends RuntimeException {
        private final transient Result result;

        public CommandFailedException(Result result) {
            super("command failed (exit " + result.exitCode() + "): " + String.join(" ", result.command())
                    + (result.stderr().isBlank() ? "" : "\n  " + result.stderr().strip()));
            this.result = result;
        }

        public Result result() {
            return result;
        }
    }
}
