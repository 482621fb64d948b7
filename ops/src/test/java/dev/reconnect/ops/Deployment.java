package dev.reconnect.ops;

import java.util.List;
import java.util.Map;

/** The compose deployment's design, as the checks of more than one concern rely on it. */
final class Deployment {

    /**
     * Modules that run as a compose service of the same name, built from the root Dockerfile; the client
     * service's image is built from the client-cli module ({@link #MODULE_OF_SERVICE}).
     * consul-emulator (a development stand-in for Consul) and devkit (the local launcher) do not run in compose.
     */
    static final List<String> RUNNABLE_MODULES = List.of("api-service", "ws-service", "gateway", "client");
    /** The module a runnable service's image is built from (build arg MODULE), where it is not the service's name. */
    static final Map<String, String> MODULE_OF_SERVICE = Map.of("client", "client-cli");

    /** The service that may be scaled ({@code docker compose up --scale ws-service=2}). */
    static final String SCALABLE_SERVICE = "ws-service";

    /** The variable that moves a service's actuator endpoints (other than /readyz, /livez) to a port of their own. */
    static final String MANAGEMENT_PORT_VARIABLE = "MANAGEMENT_PORT";
    /** The documented management port defaults. */
    static final Map<String, Integer> MANAGEMENT_PORT_DEFAULTS = Map.of("gateway", 9080, "api-service", 9081,
            "ws-service", 9082);

    /** The one-shot job that creates the Consul ACL policies and tokens; the services wait for it to complete. */
    static final String ACL_JOB = "consul-acl";
    /** The variable a service reads its Consul ACL token from (spring.cloud.consul.token: ${CONSUL_TOKEN:}). */
    static final String CONSUL_TOKEN_VARIABLE = "CONSUL_TOKEN";

    private Deployment() {
    }
}
