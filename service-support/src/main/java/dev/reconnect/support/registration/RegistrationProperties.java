package dev.reconnect.support.registration;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param checkInterval  how often the service makes sure its registration still exists
 * @param shutdownGrace  on shutdown, time between deregistering and going on to drain, so that
 *                       routers watching the registry stop sending new work here first
 * @param readinessTtl   the TTL of the check this instance passes itself when ready ({@link ReadinessReporter});
 *                       it reports every third of it, so the check turns critical this long after the instance
 *                       stopped reporting (killed, stopped, cut off from the registry)
 */
@ConfigurationProperties("registration")
public record RegistrationProperties(@DefaultValue("2s") Duration checkInterval,
                                     @DefaultValue("500ms") Duration shutdownGrace,
                                     @DefaultValue("30s") Duration readinessTtl) {
    public RegistrationProperties {
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("registration.check-interval must be positive");
        }
        if (readinessTtl.toMillis() < 3) {
            throw new IllegalArgumentException("registration.readiness-ttl must be at least 3ms, got " + readinessTtl);
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("registration.shutdown-grace must not be negative");
        }
    }
}
