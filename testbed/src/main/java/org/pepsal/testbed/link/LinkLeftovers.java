package org.pepsal.testbed.link;

import org.pepsal.testbed.link.emulator.LinkEmulator;
import org.pepsal.testbed.topology.Shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What emulated links of killed runs may leave: emulator processes (found by their main class and
 * {@code --run-prefix} in /proc) and TUN devices in the root namespace (named {@code <prefix>l<n>a|b}).
 */
public final class LinkLeftovers {
    /** TUN devices of any testbed run. */
    public static final Pattern OWNED_DEVICE = Pattern.compile("tb[0-9a-f]{6}-l[0-9]+[ab]");

    private LinkLeftovers() {
    }

    /** Pids of emulator processes of runs whose prefix starts with {@code prefix}. */
    public static List<Long> emulatorProcesses(String prefix) {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && isEmulatorOf(entry.resolve("cmdline"), prefix)) {
                    found.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return found;
    }

    private static boolean isEmulatorOf(Path cmdline, String prefix) {
        try {
            List<String> arguments = List.of(new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).split("\0"));
            int flag = arguments.indexOf("--run-prefix");
            return arguments.contains(LinkEmulator.MAIN_CLASS) && flag >= 0 && flag + 1 < arguments.size()
                    && arguments.get(flag + 1).startsWith(prefix);
        } catch (IOException e) {
            return false; // the process ended meanwhile
        }
    }

    /** TUN devices in this (the root) namespace of runs whose prefix starts with {@code prefix}. */
    public static List<String> tunDevices(String prefix) {
        List<String> found = new ArrayList<>();
        for (String line : Shell.run("ip", "-o", "link", "show", "type", "tun").split("\n")) {
            String[] fields = line.split(":\\s+");
            if (fields.length > 1) {
                String device = fields[1].split("@")[0];
                if (OWNED_DEVICE.matcher(device).matches() && device.startsWith(prefix)) {
                    found.add(device);
                }
            }
        }
        return found;
    }

    /** Emulator error logs in the temp directory ({@code <prefix>emulator-*.log}) that a killed runner never deleted. */
    public static List<Path> emulatorLogs(String prefix) {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(file -> {
                String name = file.getFileName().toString();
                return name.startsWith(prefix) && name.contains("-emulator-") && name.endsWith(".log");
            }).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Kills the emulators by pid (their TUN devices go with them), then deletes any device still there and the
     * emulators' logs.
     */
    public static List<String> clean(String prefix) {
        List<String> removed = new ArrayList<>();
        for (long pid : emulatorProcesses(prefix)) {
            ProcessHandle.of(pid).ifPresent(process -> {
                process.destroyForcibly();
                process.onExit().join();
                removed.add("emulator process " + pid);
            });
        }
        for (String device : tunDevices(prefix)) {
            Shell.tryRun("ip", "link", "del", device);
            removed.add("TUN device " + device);
        }
        for (Path log : emulatorLogs(prefix)) {
            try {
                Files.deleteIfExists(log);
                removed.add("emulator log " + log);
            } catch (IOException e) {
                // a log that cannot be deleted is harmless
            }
        }
        return removed;
    }
}
