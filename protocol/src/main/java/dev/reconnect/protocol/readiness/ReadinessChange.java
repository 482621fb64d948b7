package dev.reconnect.protocol.readiness;

import java.util.List;

/**
 * One change of the gateway's readiness, as the gateway itself recorded it: from {@code at} (epoch
 * milliseconds, the gateway's clock) on, answers carried {@code index} and said {@code ready}.
 * {@code GET /readiness/changes} lists the most recent ones, oldest first, so that a test or an
 * operator can tell what readiness said at any moment without a second observer that lags.
 */
public record ReadinessChange(long index, boolean ready, long at) {

    /** The body of {@code GET /readiness/changes}. */
    public record History(List<ReadinessChange> changes) {
        public History {
            changes = List.copyOf(changes);
        }
    }
}
