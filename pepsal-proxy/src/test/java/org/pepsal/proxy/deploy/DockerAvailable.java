package org.pepsal.proxy.deploy;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs the deployment test only where it can run: a Docker daemon answers and the local base image exists.
 * Otherwise the test is skipped with the reason — except under {@code CI=true}, where it runs and fails on the
 * reason, so that a CI without Docker cannot pass unnoticed. The one explicit way out is
 * {@code -Dpepsal.deploymentTest=skip} (e.g. inside a container that cannot run Docker), which is printed.
 */
public final class DockerAvailable implements ExecutionCondition {
    static final String BASE_IMAGE = System.getProperty("pepsal.baseImage", "pepsal-base:bookworm");

    /** Why the deployment test cannot run here, or null when it can. */
    static String missing() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return "no Docker daemon is reachable (start one: deploy/docker/dockerd.sh start)";
        }
        boolean baseImage = DockerClientFactory.instance().client().listImagesCmd().withImageNameFilter(BASE_IMAGE)
                .exec().stream().findAny().isPresent();
        return baseImage ? null
                : "the base image " + BASE_IMAGE + " is missing (build it: deploy/docker/build-base-image.sh)";
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if ("skip".equals(System.getProperty("pepsal.deploymentTest"))) {
            System.out.println("[SKIPPED] deployment test: -Dpepsal.deploymentTest=skip");
            return ConditionEvaluationResult.disabled("deployment test skipped on request (-Dpepsal.deploymentTest=skip)");
        }
        if ("true".equals(System.getenv("CI"))) {
            return ConditionEvaluationResult.enabled("CI=true: the deployment test must run");
        }
        String missing = missing();
        if (missing == null) {
            return ConditionEvaluationResult.enabled("Docker and " + BASE_IMAGE + " are here");
        }
        System.out.println("[SKIPPED] deployment test: " + missing);
        return ConditionEvaluationResult.disabled("deployment test skipped: " + missing);
    }
}
