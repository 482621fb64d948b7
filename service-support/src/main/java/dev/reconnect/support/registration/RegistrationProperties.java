package dev.reconnect.support.registration;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param checkInterval  how often the service makes sure its registration still exists
 * @param shutdownGrace  on shutdown, time between deregistering and going on to drain, so that
 *                       routers watching the registry stop sending new work here first
 */
@ConfigurationProperties("registration")
public record RegistrationProperties(@DefaultValue("2s") Duration checkInterval,
                                     @DefaultValue("500ms") Duration shutdownGrace) {
    public RegistrationProperties {
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("registration.check-interval must be positive");
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("registration.shutdown-grace must not be negative");
        }
    }
}
