package dev.reconnect.ws;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param startupDelay     warm-up after start during which the instance is registered but not ready
 * @param heartbeatInterval how often every session gets a ping frame
 * @param logWait          how long one long-poll on api-service's log may be held
 * @param logService       the registry name of the service that owns the message log
 */
@Validated
@ConfigurationProperties("ws")
public record WsProperties(
        @NotNull @DefaultValue("0s") Duration startupDelay,
        @NotNull @DefaultValue("2s") Duration heartbeatInterval,
        @NotNull @DefaultValue("20s") Duration logWait,
        @NotNull @DefaultValue("api-service") String logService) {

    public WsProperties {
        if (heartbeatInterval.toMillis() < 100) {
            throw new IllegalArgumentException("ws.heartbeat-interval must be at least 100ms");
        }
    }
}
