package org.pepsal.proxy.rules;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a namespace test only as root; skipped with the reason otherwise, except under {@code CI=true}, where it
 * runs (and fails on what is missing).
 */
public final class NeedsRoot implements ExecutionCondition {
    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (root() || "true".equals(System.getenv("CI"))) {
            return ConditionEvaluationResult.enabled("root, or CI=true");
        }
        System.out.println("[SKIPPED] " + context.getDisplayName() + ": needs root (network namespaces)");
        return ConditionEvaluationResult.disabled("needs root (network namespaces)");
    }
}
