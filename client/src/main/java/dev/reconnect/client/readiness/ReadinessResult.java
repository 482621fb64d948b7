package dev.reconnect.client.readiness;

import dev.reconnect.protocol.readiness.Readiness;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The interpretation of one readiness check.
 *
 * @param outcome    what the answer means
 * @param readiness  the readiness document when there was a valid one, else null
 * @param index      the document's index when it had one (for the next long-poll)
 * @param retryAfter the server's {@code Retry-After}, {@link Duration#ZERO} when none
 * @param detail     a short human description, e.g. "gateway unreachable (connection refused)"
 */
public record ReadinessResult(ReadinessOutcome outcome, Readiness readiness, OptionalLong index,
                              Duration retryAfter, String detail) {

    public boolean ready() {
        return outcome == ReadinessOutcome.READY;
    }

    /** e.g. {@code ws-service passing=1, api-service passing=0}; empty when there is no document. */
    public String summary() {
        if (readiness == null) {
            return "";
        }
        if (readiness.services().isEmpty()) {
            return readiness.ready() ? "ready" : "not ready";
        }
        String services = readiness.services().stream()
                .map(s -> s.name() + " passing=" + s.passing())
                .collect(Collectors.joining(", "));
        if (readiness.stale() || !Readiness.REGISTRY_UP.equals(readiness.registry())) {
            services += " (registry " + readiness.registry() + (readiness.stale() ? ", stale" : "") + ")";
        }
        return services;
    }
}
