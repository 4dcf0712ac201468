package org.pepsal.testbed.cli;

import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Presets;
import org.pepsal.testbed.scenario.ScenarioException;
import org.pepsal.testbed.scenario.ScenarioLoader;
import org.pepsal.testbed.scenario.Variant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code testbed validate FILE}: checks a scenario (and every variant of its sweep) without building anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a scenario file (or preset name) and every variant of its sweep; build nothing.")
public final class ValidateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "A scenario file, or the name of a preset.")
    String scenario;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Override a field, e.g. --set link.down.loss=0.01.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        LoadedScenario loaded;
        try {
            loaded = ScenarioLoader.load(Presets.resolve(scenario), overrides);
        } catch (ScenarioException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        System.out.printf("%s: valid; %d variant(s) × %d mode(s) × %d repetition(s) = %d points%n",
                loaded.scenario().name(), loaded.variants().size(), loaded.scenario().modes().size(),
                loaded.scenario().repetitions(), loaded.points().size());
        for (Variant variant : loaded.variants()) {
            if (!variant.parameters().isEmpty()) {
                System.out.println("  " + variant.id() + " " + variant.parameterText());
            }
        }
        return 0;
    }
}
