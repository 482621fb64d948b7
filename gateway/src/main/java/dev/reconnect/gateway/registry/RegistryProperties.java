package dev.reconnect.gateway.registry;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param requiredServices services a client needs; readiness is their conjunction, and each is
 *                         watched live so routing to it never uses a stale instance list
 * @param watchWait        how long one blocking query on Consul's health API is held
 * @param retryDelay       pause before asking again after the registry failed to answer
 * @param suspectTimeout   how long an instance whose WebSocket dropped abnormally is kept out of
 *                         routing and readiness when the registry says nothing new about it
 * @param connectSpreadPerClient when one change wakes several long-polling clients, they are asked to spread
 *                         their connects over the window the instances' registered capacity needs
 *                         ({@code connects-per-second} in their metadata); where no instance registered one,
 *                         the window grows by this much per client
 * @param maxConnectSpread the largest such window
 * @param maxWait          the longest a readiness long-poll ({@code ?wait=}) is held; longer waits are clamped
 * @param maxWaiting       readiness long-polls held at once by this gateway; more get 429
 * @param maxWaitingPerAddress readiness long-polls held at once for one remote address; more get 429.
 *                         At least the number of clients one of our CLI processes runs (200)
 * @param historySize      readiness changes kept for {@code GET /readiness/changes}
 */
@ConfigurationProperties("registry")
public record RegistryProperties(
        @DefaultValue({"ws-service", "api-service"}) List<String> requiredServices,
        @DefaultValue("10s") Duration watchWait,
        @DefaultValue("500ms") Duration retryDelay,
        @DefaultValue("10s") Duration suspectTimeout,
        @DefaultValue("5ms") Duration connectSpreadPerClient,
        @DefaultValue("2s") Duration maxConnectSpread,
        @DefaultValue("60s") Duration maxWait,
        @DefaultValue("10000") int maxWaiting,
        @DefaultValue("200") int maxWaitingPerAddress,
        @DefaultValue("4096") int historySize) {

    public RegistryProperties {
        requiredServices = List.copyOf(requiredServices);
        if (requiredServices.isEmpty()) {
            throw new IllegalArgumentException("registry.required-services must name at least one service");
        }
        if (watchWait.toMillis() < 100) {
            throw new IllegalArgumentException("registry.watch-wait must be at least 100ms");
        }
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("registry.max-wait must be positive");
        }
        if (maxWaiting < 1 || maxWaitingPerAddress < 1) {
            throw new IllegalArgumentException("registry.max-waiting and registry.max-waiting-per-address must be at least 1");
        }
        if (historySize < 1) {
            throw new IllegalArgumentException("registry.history-size must be at least 1");
        }
    }

    /** The defaults, for tests and tools that build a view by hand. */
    public static RegistryProperties defaults(List<String> requiredServices) {
        return new RegistryProperties(requiredServices, Duration.ofSeconds(10), Duration.ofMillis(500),
                Duration.ofSeconds(10), Duration.ofMillis(5), Duration.ofSeconds(2), Duration.ofSeconds(60),
                10_000, 200, 4096);
    }
}
