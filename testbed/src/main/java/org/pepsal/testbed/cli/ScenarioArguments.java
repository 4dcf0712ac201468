package org.pepsal.testbed.cli;

import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Presets;
import org.pepsal.testbed.scenario.ScenarioException;
import org.pepsal.testbed.scenario.ScenarioLoader;
import org.pepsal.testbed.scenario.Variant;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The scenario a command works on: a file or preset name, and its {@code --set} overrides. */
final class ScenarioArguments {
    @Parameters(index = "0", paramLabel = "FILE", description = "A scenario file, or the name of a preset.")
    String scenario;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Override a field, e.g. --set link.down.loss=0.01.")
    List<String> overrides = new ArrayList<>();

    /** Loads and validates the scenario; prints the error (file:line:column: field: problem) and returns null. */
    LoadedScenario loadOrReport() {
        return load(scenario, overrides);
    }

    /** {@link #loadOrReport()} for a command whose scenario is optional. */
    static LoadedScenario load(String scenario, List<String> overrides) {
        try {
            return ScenarioLoader.load(Presets.resolve(scenario), overrides);
        } catch (ScenarioException e) {
            System.err.println(e.getMessage());
            return null;
        }
    }

    /**
     * The variant named {@code id} ({@code v01}, ...), the first when null, said on {@code console} when the
     * scenario has several; null, with the variants it has, when it has no such variant.
     */
    static Variant variant(LoadedScenario loaded, String id, PrintStream console) {
        Variant chosen = id == null ? loaded.variants().get(0) : loaded.variants().stream()
                .filter(v -> v.id().equals(id)).findFirst().orElse(null);
        if (chosen == null) {
            console.println("--variant: " + loaded.scenario().name() + " has variants "
                    + loaded.variants().stream().map(Variant::id).toList() + ", not " + id);
        } else if (loaded.variants().size() > 1) {
            console.println("variant " + chosen.id() + " of " + loaded.variants().size() + ": " + chosen.parameterText());
        }
        return chosen;
    }
}
