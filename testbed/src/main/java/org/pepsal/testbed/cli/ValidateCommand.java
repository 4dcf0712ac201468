package org.pepsal.testbed.cli;

import org.pepsal.testbed.scenario.LoadedScenario;
import org.pepsal.testbed.scenario.Mode;
import org.pepsal.testbed.scenario.Variant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code testbed validate FILE}: checks a scenario (and every variant of its sweep) without building anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a scenario file (or preset name) and every variant of its sweep; build nothing.")
public final class ValidateCommand implements Callable<Integer> {
    @Mixin
    ScenarioArguments arguments;

    @Override
    public Integer call() {
        LoadedScenario loaded = arguments.loadOrReport();
        if (loaded == null) {
            return 1;
        }
        System.out.printf("%s: valid; %d variant(s) × %d mode(s) × %d repetition(s) = %d points%n",
                loaded.scenario().name(), loaded.variants().size(), loaded.scenario().modes().size(),
                loaded.scenario().repetitions(), loaded.points().size());
        for (Mode mode : loaded.scenario().modes()) {
            System.out.println("  mode " + mode.name() + (mode.runsPeps() ? " (PEPs run)" : " (no PEP)")
                    + (mode.overrides().isEmpty() ? "" : " sets " + mode.overrides()));
        }
        for (Variant variant : loaded.variants()) {
            if (!variant.parameters().isEmpty()) {
                System.out.println("  " + variant.id() + " " + variant.parameterText());
            }
        }
        return 0;
    }
}
