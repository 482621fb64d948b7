package dev.reconnect.ws;

import dev.reconnect.protocol.Limits;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * @param startupDelay     the least time after start during which the instance is registered but not ready,
 *                         whatever {@code warmUp} finds (for tests and demos of a slow start)
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
 * @param warmUp           what the instance does after start-up before it reports ready
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
        @DefaultValue("64") int maxPublishesInFlight,
        @Valid @NotNull @DefaultValue WarmUp warmUp) {

    /**
     * Before it reports ready, the instance follows the message log up to its head and opens a few
     * loopback sessions against its own WebSocket endpoint, so that the first wave of real clients
     * after a restart meets a warm JVM rather than paying for class loading and JIT compilation.
     *
     * @param logTimeout how long to wait for the message log's first answer; after it the instance warms
     *                   up and reports ready without the log (its sessions get messages once the log
     *                   answers), so that a ws-service started before api-service or the registry still
     *                   becomes ready. 0: do not wait for the log
     * @param sessions   loopback sessions that exercise the handshake, hello/welcome and a backlog read;
     *                   0 turns them off
     * @param backlog    messages each loopback session reads from the log before it closes (fewer when
     *                   the log holds fewer)
     * @param timeout    the most the loopback sessions may take together; past it the instance reports
     *                   ready anyway, with a warning
     */
    public record WarmUp(
            @NotNull @DefaultValue("5s") Duration logTimeout,
            @DefaultValue("4") int sessions,
            @DefaultValue("100") int backlog,
            @NotNull @DefaultValue("10s") Duration timeout) {

        public WarmUp {
            if (logTimeout.isNegative()) {
                throw new IllegalArgumentException("ws.warm-up.log-timeout must not be negative");
            }
            if (sessions < 0 || sessions > 64) {
                throw new IllegalArgumentException("ws.warm-up.sessions must be between 0 and 64, not " + sessions);
            }
            if (backlog < 0 || backlog > 10_000) {
                throw new IllegalArgumentException("ws.warm-up.backlog must be between 0 and 10000, not " + backlog);
            }
            if (timeout.toMillis() < 100) {
                throw new IllegalArgumentException("ws.warm-up.timeout must be at least 100ms");
            }
        }

        public static WarmUp defaults() {
            return new WarmUp(Duration.ofSeconds(5), 4, 100, Duration.ofSeconds(10));
        }
    }

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
                Duration.ofSeconds(10), DataSize.ofMegabytes(1), Duration.ofSeconds(5), 10_000, 64, WarmUp.defaults());
    }

    public WsProperties withStartupDelay(Duration delay) {
        return new WsProperties(delay, heartbeatInterval, logWait, logService, sendTimeout, sendBuffer,
                helloTimeout, maxSessions, maxPublishesInFlight, warmUp);
    }

    public WsProperties withLogWait(Duration wait) {
        return new WsProperties(startupDelay, heartbeatInterval, wait, logService, sendTimeout, sendBuffer,
                helloTimeout, maxSessions, maxPublishesInFlight, warmUp);
    }

    public WsProperties withSending(Duration timeout, DataSize buffer) {
        return new WsProperties(startupDelay, heartbeatInterval, logWait, logService, timeout, buffer,
                helloTimeout, maxSessions, maxPublishesInFlight, warmUp);
    }

    public WsProperties withSessionLimits(Duration hello, int sessions, int publishesInFlight) {
        return new WsProperties(startupDelay, heartbeatInterval, logWait, logService, sendTimeout, sendBuffer,
                hello, sessions, publishesInFlight, warmUp);
    }

    public WsProperties withWarmUp(WarmUp settings) {
        return new WsProperties(startupDelay, heartbeatInterval, logWait, logService, sendTimeout, sendBuffer,
                helloTimeout, maxSessions, maxPublishesInFlight, settings);
    }
}
