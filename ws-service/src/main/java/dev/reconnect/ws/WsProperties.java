package dev.reconnect.ws;

import dev.reconnect.protocol.Limits;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * @param startupDelay     warm-up after start during which the instance is registered but not ready
 * @param heartbeatInterval how often every session gets a ping frame
 * @param logWait          how long one long-poll on api-service's log may be held
 * @param logService       the registry name of the service that owns the message log
 * @param sendTimeout      a session whose current frame has not been written within this long is closed
 *                         with 4000 (too slow)
 * @param sendBuffer       most bytes queued for one session; beyond it the session is closed with 4000.
 *                         Backlog delivery pauses at half of it, so only a client that stops reading
 *                         while live traffic piles up ever reaches it
 * @param helloTimeout     a session that sends no hello within this long is closed with 4001
 * @param maxSessions      sessions beyond this many are closed with 4002 right after the upgrade
 * @param maxPublishesInFlight publishes one session may have waiting for the log; more get "busy"
 */
@Validated
@ConfigurationProperties("ws")
public record WsProperties(
        @NotNull @DefaultValue("0s") Duration startupDelay,
        @NotNull @DefaultValue("2s") Duration heartbeatInterval,
        @NotNull @DefaultValue("20s") Duration logWait,
        @NotNull @DefaultValue("api-service") String logService,
        @NotNull @DefaultValue("10s") Duration sendTimeout,
        @NotNull @DefaultValue("1MB") DataSize sendBuffer,
        @NotNull @DefaultValue("5s") Duration helloTimeout,
        @DefaultValue("10000") int maxSessions,
        @DefaultValue("64") int maxPublishesInFlight) {

    public WsProperties {
        if (heartbeatInterval.toMillis() < 100) {
            throw new IllegalArgumentException("ws.heartbeat-interval must be at least 100ms");
        }
        if (sendTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("ws.send-timeout must be at least 100ms");
        }
        // Room for a full backlog batch below the high-water mark plus one largest frame above it.
        if (sendBuffer.toBytes() < 4L * Limits.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("ws.send-buffer must be at least " + 4 * Limits.MAX_FRAME_BYTES + " bytes");
        }
        if (helloTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("ws.hello-timeout must be at least 100ms");
        }
        if (maxSessions < 1 || maxPublishesInFlight < 1) {
            throw new IllegalArgumentException("ws.max-sessions and ws.max-publishes-in-flight must be at least 1");
        }
    }

    /** The defaults, for tests and tools that build the properties by hand. */
    public static WsProperties defaults() {
        return new WsProperties(Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(20), "api-service",
                Duration.ofSeconds(10), DataSize.ofMegabytes(1), Duration.ofSeconds(5), 10_000, 64);
    }

    public WsProperties withLogWait(Duration wait) {
        return new WsProperties(startupDelay, heartbeatInterval, wait, logService, sendTimeout, sendBuffer,
                helloTimeout, maxSessions, maxPublishesInFlight);
    }

    public WsProperties withSending(Duration timeout, DataSize buffer) {
        return new WsProperties(startupDelay, heartbeatInterval, logWait, logService, timeout, buffer,
                helloTimeout, maxSessions, maxPublishesInFlight);
    }

    public WsProperties withSessionLimits(Duration hello, int sessions, int publishesInFlight) {
        return new WsProperties(startupDelay, heartbeatInterval, logWait, logService, sendTimeout, sendBuffer,
                hello, sessions, publishesInFlight);
    }
}
