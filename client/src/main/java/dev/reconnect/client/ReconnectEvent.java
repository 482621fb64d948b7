package dev.reconnect.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The connection is back (a Welcome after a loss).
 *
 * @param attempt     connect attempts it took during this outage (1 = the first worked)
 * @param downtime    from losing the previous connection to this Welcome
 * @param readyToOpen from the readiness answer that said ready to this Welcome
 * @param reason      why the previous connection was lost, e.g. {@code close 1001 restarting}; never null
 */
public record ReconnectEvent(String client, int attempt, Duration downtime, Duration readyToOpen, String reason,
                             Instant at) {
    public ReconnectEvent {
        Objects.requireNonNull(reason, "a reconnect needs the reason of the loss");
    }
}
