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

    /** Kills the emulators by pid (their TUN devices go with them), then deletes any device still there. */
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
        return removed;
    }
}
