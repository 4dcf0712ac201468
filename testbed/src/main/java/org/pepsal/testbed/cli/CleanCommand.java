package org.pepsal.testbed.cli;

import org.pepsal.testbed.link.LinkLeftovers;
import org.pepsal.testbed.topology.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code testbed clean}: removes what killed runs left: emulator processes, namespaces, TUN devices. */
@Command(name = "clean", mixinStandardHelpOptions = true,
        description = "Remove the namespaces, TUN devices and link emulator processes that killed runs left behind.")
public final class CleanCommand implements Callable<Integer> {
    @Option(names = "--prefix", defaultValue = "tb",
            description = "Only runs whose prefix starts with this (e.g. tb1a2b3c-); default: every run's (${DEFAULT-VALUE}).")
    String prefix;

    @Override
    public Integer call() {
        if (!prefix.startsWith("tb")) {
            System.err.println("testbed runs' prefixes start with 'tb': " + prefix);
            return 2;
        }
        List<String> removed = new ArrayList<>(LinkLeftovers.clean(prefix));
        Topology.cleanLeftovers(prefix).forEach(namespace -> removed.add("namespace " + namespace));
        removed.forEach(item -> System.out.println("removed " + item));
        System.out.println(removed.isEmpty() ? "nothing to clean" : "cleaned " + removed.size() + " item(s)");
        return 0;
    }
}
