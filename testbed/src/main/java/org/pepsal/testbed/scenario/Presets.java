package org.pepsal.testbed.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The preset scenarios: the {@code *.yaml} files of the repository's {@code scenarios/} folder, found from
 * the working directory (the repository root, or one of its modules, as under Maven).
 */
public final class Presets {
    public static final String FOLDER = "scenarios";

    private Presets() {
    }

    /** The presets folder: {@code scenarios/} here or in the parent directory. */
    public static Optional<Path> folder() {
        return Stream.of(Path.of(FOLDER), Path.of("..", FOLDER)).filter(Files::isDirectory).findFirst();
    }

    public static List<Path> files(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /** A scenario file: {@code nameOrPath} itself when it is a file, else the preset of that name. */
    public static Path resolve(String nameOrPath) {
        Path file = Path.of(nameOrPath);
        if (Files.isRegularFile(file)) {
            return file;
        }
        return folder().map(dir -> dir.resolve(nameOrPath + ".yaml")).filter(Files::isRegularFile)
                .orElseThrow(() -> new IllegalArgumentException("no scenario file " + nameOrPath + " and no preset of that name"
                        + folder().map(dir -> " in " + dir.toAbsolutePath().normalize()).orElse(" (no scenarios/ folder here)")));
    }
}
