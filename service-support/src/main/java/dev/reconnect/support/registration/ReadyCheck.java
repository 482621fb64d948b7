package dev.reconnect.support.registration;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import org.springframework.cloud.consul.model.http.agent.NewService;

/**
 * The registry check that carries this instance's readiness: a TTL check that the instance passes itself the
 * moment it is ready (and fails when it is not), beside Spring Cloud Consul's HTTP check, which then only
 * notices death ({@code /livez}). An HTTP check on {@code /readyz} would turn passing only at its next run after
 * the instance became ready, and Consul runs a new check first after a random delay of up to one interval.
 *
 * <p>Spring Cloud Consul's check model has no ID or name; Consul takes both from a service's checks, so they are
 * added here: a fixed ID to push to, and a name that tells the two checks apart in Consul's UI.
 */
final class ReadyCheck extends NewService.Check {
    @JsonProperty("CheckID")
    private final String checkId;
    @JsonProperty("Name")
    private final String name;

    /**
     * Without DeregisterCriticalServiceAfter: an instance that is alive but not ready for a while (waiting for
     * its log, say) must not be reaped; the liveness check carries it, and removes dead instances.
     */
    ReadyCheck(String instanceId, Duration ttl) {
        this.checkId = idFor(instanceId);
        this.name = "Ready (reported by the instance)";
        setTtl(ttl.toMillis() + "ms");
    }

    static String idFor(String instanceId) {
        return "service:" + instanceId + ":ready";
    }
}
