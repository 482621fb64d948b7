package dev.reconnect.e2e.scenarios;

import com.github.dockerjava.api.model.Info;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs the real-Consul scenarios only where a container on the host network shares this machine's
 * 127.0.0.1, which {@link RealConsul} needs in both directions (Consul checks the services, the services
 * and the gateway call Consul). Per Docker's documentation (engine/network/drivers/host.md) that is
 * Docker Engine on Linux, and Docker Desktop 4.34 or later only with Settings > Resources > Network >
 * "Enable host networking" on, which no API reports: there the suite runs only when the user says so
 * with {@code -Dreconnect.docker.host-networking=true}. Anywhere else it is skipped with the reason.
 */
final class HostNetworking implements ExecutionCondition {
    static final String OPT_IN = "reconnect.docker.host-networking";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean optIn = Boolean.parseBoolean(System.getProperty(OPT_IN));
        DockerClientFactory docker = DockerClientFactory.instance();
        if (!docker.isDockerAvailable()) {
            return ConditionEvaluationResult.disabled("no Docker engine: real-Consul scenarios skipped");
        }
        Info info = docker.getInfo();
        Optional<String> why = whyNot(System.getProperty("os.name"), info.getOperatingSystem(), info.getOsType(),
                docker.dockerHostIpAddress(), optIn);
        return why.map(ConditionEvaluationResult::disabled)
                .orElseGet(() -> ConditionEvaluationResult.enabled("host networking shares this machine's 127.0.0.1"));
    }

    /**
     * Why host networking cannot join this JVM's loopback, or empty when it can.
     *
     * @param jvmOs this JVM's {@code os.name}
     * @param engineOs the engine's {@code docker info} OperatingSystem ("Docker Desktop" for Docker Desktop)
     * @param engineOsType {@code docker info} OSType: linux or windows (containers)
     * @param dockerHost the engine's address as Testcontainers sees it ("localhost" for a local socket)
     * @param optIn the user says Docker Desktop's "Enable host networking" is on
     */
    static Optional<String> whyNot(String jvmOs, String engineOs, String engineOsType, String dockerHost, boolean optIn) {
        if (engineOsType != null && !engineOsType.equalsIgnoreCase("linux")) {
            return Optional.of("real-Consul scenarios skipped: the engine runs " + engineOsType
                    + " containers; hashicorp/consul is a Linux image and host networking needs Linux containers");
        }
        if (!isLoopback(dockerHost)) {
            return Optional.of("real-Consul scenarios skipped: the Docker engine is on another host (" + dockerHost
                    + "); with host networking Consul would run there, out of reach of the services on this"
                    + " machine's 127.0.0.1");
        }
        boolean desktop = engineOs != null && engineOs.toLowerCase(Locale.ROOT).contains("docker desktop");
        boolean nativeLinux = jvmOs != null && jvmOs.toLowerCase(Locale.ROOT).startsWith("linux") && !desktop;
        if (nativeLinux || optIn) {
            return Optional.empty();
        }
        return Optional.of("real-Consul scenarios skipped: the Docker engine (" + engineOs + ") runs in a VM, where"
                + " host networking is not this machine's network unless it is Docker Desktop 4.34+ with"
                + " Settings > Resources > Network > \"Enable host networking\" on; with that on, run with -D"
                + OPT_IN + "=true");
    }

    private static boolean isLoopback(String host) {
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("::1"));
    }
}
