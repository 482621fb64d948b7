package dev.reconnect.ws.lifecycle;

import dev.reconnect.ws.WsProperties;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Part of the readiness group: out of service until {@code ws.startup-delay} has passed since the
 * application started, so the instance is visible in Consul but critical while it warms up.
 */
@Component("warmUp")
public class WarmUpHealthIndicator implements HealthIndicator {
    private static final Logger log = LoggerFactory.getLogger(WarmUpHealthIndicator.class);

    private final WsProperties properties;
    private volatile Instant readyAt;
    private volatile boolean announced;

    public WarmUpHealthIndicator(WsProperties properties) {
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void started() {
        readyAt = Instant.now().plus(properties.startupDelay());
        if (!properties.startupDelay().isZero()) {
            log.info("Warming up for {} ms: registered but not ready", properties.startupDelay().toMillis());
        }
    }

    @Override
    public Health health() {
        Instant at = readyAt;
        if (at == null || Instant.now().isBefore(at)) {
            return Health.outOfService().withDetail("warmUp", "in progress").build();
        }
        if (!announced) {
            announced = true;
            log.info("Warm-up over: ready for connections");
        }
        return Health.up().build();
    }
}
