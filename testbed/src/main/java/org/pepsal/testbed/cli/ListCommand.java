package org.pepsal.testbed.cli;

import org.pepsal.testbed.scenario.Presets;
import org.pepsal.testbed.scenario.ScenarioException;
import org.pepsal.testbed.scenario.ScenarioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code testbed list}: the preset scenarios, each with its description. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the preset scenarios with their descriptions.")
public final class ListCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", description = "The presets folder (default: scenarios/ here or one level up).")
    Path dir;

    @Override
    public Integer call() {
        Path folder = dir != null ? dir : Presets.folder().orElse(null);
        if (folder == null) {
            System.err.println("no scenarios/ folder here or one level up; run from the repository or pass --dir");
            return 2;
        }
        int invalid = 0;
        for (Path file : Presets.files(folder)) {
            String name = file.getFileName().toString().replaceFirst("\\.yaml$", "");
            try {
                System.out.printf("%-22s %s%n", name, ScenarioLoader.load(file).scenario().description());
            } catch (ScenarioException e) {
                invalid++;
                System.out.printf("%-22s INVALID: %s%n", name, e.getMessage());
            }
        }
        return invalid == 0 ? 0 : 1;
    }
}
