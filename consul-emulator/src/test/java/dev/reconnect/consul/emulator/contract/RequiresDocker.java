package dev.reconnect.consul.emulator.contract;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Disables a test class where no Docker engine answers, with a reason that says what is lost,
 * rather than failing the build on machines (like CI sandboxes) that cannot run containers.
 */
final class RequiresDocker implements ExecutionCondition {

    static final String REASON = "Docker is not available: the real-Consul side of the contract suite is skipped";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean available;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            available = false;
        }
        if (available) {
            return ConditionEvaluationResult.enabled("Docker is available");
        }
        System.out.println(REASON);
        return ConditionEvaluationResult.disabled(REASON);
    }
}
