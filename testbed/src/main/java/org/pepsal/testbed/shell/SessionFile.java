package org.pepsal.testbed.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The sessions {@code testbed up} keeps: one small JSON file per session in the temporary directory,
 * {@code <prefix>session.json}, naming the process that holds it (by pid and start time, so a reused pid is
 * not mistaken for it), so {@code testbed down} can end it from another terminal.
 */
public final class SessionFile {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String SUFFIX = "session.json";

    private SessionFile() {
    }

    /** One kept session. */
    public record Entry(String prefix, long pid, long startedMillis, String scenario, String mode,
                        Map<String, String> variables, String dir, String enter) {
        static Entry of(String prefix, String scenario, String mode, Map<String, String> variables, Path dir,
                        String enter) {
            ProcessHandle self = ProcessHandle.current();
            return new Entry(prefix, self.pid(), startOf(self).map(Instant::toEpochMilli).orElse(0L), scenario, mode,
                    variables, dir.toAbsolutePath().toString(), enter);
        }

        /** The process holding the session, if it still runs (the same process: same pid, same start). */
        public Optional<ProcessHandle> holder() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> startOf(p).map(Instant::toEpochMilli).orElse(0L) == startedMillis);
        }
    }

    private static Optional<Instant> startOf(ProcessHandle process) {
        return process.info().startInstant();
    }

    static Path directory() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    static Path write(Entry entry) {
        Path file = directory().resolve(entry.prefix() + SUFFIX);
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), entry);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A stale file is harmless: `testbed down` sees its holder is gone.
        }
    }

    /** The sessions whose prefix starts with {@code prefix}. */
    public static List<Entry> list(String prefix) {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(SUFFIX)) {
                    try {
                        entries.add(JSON.readValue(file.toFile(), Entry.class));
                    } catch (IOException e) {
                        // Being written or half-written by a killed session: its prefix still names it.
                        entries.add(new Entry(name.substring(0, name.length() - SUFFIX.length()), -1, 0, "?", "?",
                                Map.of(), "", ""));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory() + ": " + e.getMessage(), e);
        }
        return entries;
    }

    /** Forgets a session (its holder is gone). */
    public static void forget(Entry entry) {
        delete(directory().resolve(entry.prefix() + SUFFIX));
    }
}
