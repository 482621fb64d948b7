package dev.reconnect.support.registration;

/**
 * The registry answered this service's registration with 403: its ACLs do not let the configured
 * token (or no token at all) register the service. A configuration error, not an outage: retrying
 * cannot help, and a service that ran on unregistered would never receive traffic.
 */
public class RegistrationRefusedException extends RuntimeException {
    private final String instanceId;
    private final boolean tokenConfigured;
    private final String registryAnswer;

    public RegistrationRefusedException(String instanceId, String serviceName, boolean tokenConfigured, String registryAnswer) {
        super("The registry refused to register " + instanceId + " (403 " + registryAnswer + "): "
                + (tokenConfigured ? "the configured ACL token is not allowed to register " + serviceName
                        : "no ACL token is configured and the registry enforces ACLs")
                + ". Set spring.cloud.consul.token (environment variable CONSUL_TOKEN) to a token with service:write on "
                + serviceName + ".");
        this.instanceId = instanceId;
        this.tokenConfigured = tokenConfigured;
        this.registryAnswer = registryAnswer;
    }

    public String instanceId() {
        return instanceId;
    }

    public boolean tokenConfigured() {
        return tokenConfigured;
    }

    /** Consul's own words, e.g. "ACL not found" or "Permission denied: token ... lacks permission 'service:write'". */
    public String registryAnswer() {
        return registryAnswer;
    }
}
