package dev.reconnect.support.registration;

/**
 * Published (as an application event) by a service whose readiness may have changed without one of Spring
 * Boot's availability events, for example when a warm-up that the readiness group waits for has ended, so
 * that the registry hears of it at once instead of at the next refresh.
 *
 * @param why in a few words, for the log line that reports the change
 */
public record ReadinessChanged(String why) {
    public ReadinessChanged {
        if (why == null || why.isBlank()) {
            throw new IllegalArgumentException("a readiness change needs a reason");
        }
    }
}
