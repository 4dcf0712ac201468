package org.pepsal.testbed;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Enables {@link NeedsRoot} tests only as root; under {@code CI=true} not being root is an error. */
public final class RootCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (isRoot()) {
            return ConditionEvaluationResult.enabled("running as root");
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("the namespace tests must run as root under CI (CI=true)");
        }
        return ConditionEvaluationResult.disabled("needs root for network namespaces; run as root");
    }

    private static boolean isRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        try {
            Process id = new ProcessBuilder("id", "-u").start();
            return new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().equals("0");
        } catch (IOException e) {
            return false;
        }
    }
}
