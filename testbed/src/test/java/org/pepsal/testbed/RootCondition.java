package org.pepsal.testbed;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** See {@link NeedsRoot}. */
public final class RootCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (isRoot()) {
            return ConditionEvaluationResult.enabled("running as root");
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("namespace tests must run as root under CI=true; " + context.getDisplayName()
                    + " would otherwise be skipped");
        }
        return ConditionEvaluationResult.disabled("needs root to build network namespaces (run the tests as root)");
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
