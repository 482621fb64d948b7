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
 * @param connectSpreadPerClient when one change wakes several long-polling clients, the window over
 *                         which they are asked to spread their connects grows by this much per client
 * @param maxConnectSpread the largest such window
 */
@ConfigurationProperties("registry")
public record RegistryProperties(
        @DefaultValue({"ws-service", "api-service"}) List<String> requiredServices,
        @DefaultValue("10s") Duration watchWait,
        @DefaultValue("500ms") Duration retryDelay,
        @DefaultValue("10s") Duration suspectTimeout,
        @DefaultValue("5ms") Duration connectSpreadPerClient,
        @DefaultValue("2s") Duration maxConnectSpread) {

    public RegistryProperties {
        requiredServices = List.copyOf(requiredServices);
        if (requiredServices.isEmpty()) {
            throw new IllegalArgumentException("registry.required-services must name at least one service");
        }
        if (watchWait.toMillis() < 100) {
            throw new IllegalArgumentException("registry.watch-wait must be at least 100ms");
        }
    }
}
