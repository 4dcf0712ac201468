package org.pepsal.testbed.cli;

import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Presets;
import org.pepsal.testbed.scenario.ScenarioException;
import org.pepsal.testbed.scenario.ScenarioLoader;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
        try {
            return ScenarioLoader.load(Presets.resolve(scenario), overrides);
        } catch (ScenarioException e) {
            System.err.println(e.getMessage());
            return null;
        }
    }
}
