package dev.reconnect.consul.emulator.registration;

import dev.reconnect.consul.emulator.catalog.CheckStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One check of a service registration, after parsing and validation. Optional fields are null
 * when the client left them out (or sent JSON null, as Spring Cloud Consul does).
 */
public record CheckDefinition(
        String checkId,
        String name,
        String notes,
        CheckStatus initialStatus,
        CheckKind kind,
        String http,
        String method,
        Map<String, List<String>> header,
        String body,
        String tcp,
        Duration interval,
        Duration timeout,
        Duration ttl,
        Duration deregisterCriticalServiceAfter) {

    /** Consul raises shorter intervals to this and logs a warning. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /** Consul's HTTP and TCP checks give up after this unless Timeout says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public CheckDefinition {
        header = header == null ? Map.of() : Map.copyOf(header);
        notes = notes == null ? "" : notes;
    }

    public Duration effectiveInterval() {
        if (interval == null) {
            return null;
        }
        return interval.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : interval;
    }

    public Duration effectiveTimeout() {
        return timeout == null || timeout.isZero() || timeout.isNegative() ? DEFAULT_TIMEOUT : timeout;
    }

    public String effectiveMethod() {
        return method == null || method.isEmpty() ? "GET" : method;
    }
}
