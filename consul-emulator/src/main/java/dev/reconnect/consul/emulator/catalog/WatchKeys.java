package dev.reconnect.consul.emulator.catalog;

/**
 * Names of the results blocking queries can watch. Each has its own index so that, as in Consul,
 * a health flip wakes health watchers but not catalog-services watchers.
 */
public final class WatchKeys {

    /** Any registration or deregistration: /v1/catalog/services, /v1/agent/services. */
    public static final String SERVICES = "services";
    /** Any check added, removed or changing status: /v1/health/state/*, /v1/agent/checks. */
    public static final String CHECKS = "checks";
    /** The node list: /v1/catalog/nodes. */
    public static final String NODES = "nodes";

    private static final String CATALOG_SERVICE = "catalog-service:";
    private static final String HEALTH_SERVICE = "health-service:";

    private WatchKeys() {
    }

    /** Instances of one service name, registration data only: /v1/catalog/service/{name}. */
    public static String catalogService(String name) {
        return CATALOG_SERVICE + name;
    }

    /** Instances of one service name with their checks: /v1/health/service/{name}, /v1/health/checks/{name}. */
    public static String healthService(String name) {
        return HEALTH_SERVICE + name;
    }

    /**
     * The key whose index stands in for a result nothing has touched yet, such as a service name
     * never registered: like Consul, which reports the services table's index for an empty result.
     */
    static String fallbackFor(String key) {
        return SERVICES;
    }
}
