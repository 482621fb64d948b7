package dev.reconnect.protocol.readiness;

import java.util.List;

/**
 * The body of the gateway's {@code GET /readiness}: whether every service a client needs has at
 * least one passing instance in the registry. The same shape is sent with 200 (ready) and 503 (not
 * ready, with a {@code Retry-After} header). It names services and counts, never hosts or ports.
 *
 * @param ready    true when every required service has at least one passing instance
 * @param registry {@link #REGISTRY_UP} or {@link #REGISTRY_UNAVAILABLE}
 * @param stale    true when the registry cannot be reached and the counts are the last ones known
 * @param index    changes whenever anything in this answer changes; pass it back as {@code ?index=}
 *                 with {@code ?wait=} to long-poll for the next change
 * @param services one entry per required service, in a stable order
 * @param connectSpreadMillis when greater than 0, this answer woke that many waiting clients at once
 *                 that they should spread their connects: each waits a random time in
 *                 [0, connectSpreadMillis) before opening its socket, so that a restart is not
 *                 followed by a herd of simultaneous upgrades. 0 for a lone client: connect at once.
 */
public record Readiness(boolean ready, String registry, boolean stale, long index, List<ServiceReadiness> services,
                        long connectSpreadMillis) {

    public static final String REGISTRY_UP = "up";
    public static final String REGISTRY_UNAVAILABLE = "unavailable";
    /** Query parameter: the index of the last answer seen. */
    public static final String PARAM_INDEX = "index";
    /** Query parameter: how long to hold the request waiting for a change, e.g. {@code 30s}. */
    public static final String PARAM_WAIT = "wait";

    public Readiness {
        services = List.copyOf(services);
    }

    /** An answer for which no spread is needed. */
    public Readiness(boolean ready, String registry, boolean stale, long index, List<ServiceReadiness> services) {
        this(ready, registry, stale, index, services, 0);
    }

    public Readiness withConnectSpread(long millis) {
        return new Readiness(ready, registry, stale, index, services, millis);
    }

    /**
     * @param name    the service's name in the registry
     * @param status  {@link #PASSING} when at least one instance passes its checks, else {@link #UNAVAILABLE}
     * @param passing how many instances pass their checks
     */
    public record ServiceReadiness(String name, String status, int passing) {
        public static final String PASSING = "passing";
        public static final String UNAVAILABLE = "unavailable";

        public static ServiceReadiness of(String name, int passing) {
            return new ServiceReadiness(name, passing > 0 ? PASSING : UNAVAILABLE, passing);
        }
    }
}
