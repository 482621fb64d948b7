package dev.reconnect.client;

import dev.reconnect.client.readiness.ReadinessOutcome;
import dev.reconnect.client.readiness.ReadinessResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One answered readiness check.
 *
 * @param longPoll whether it was a long-poll ({@code ?index=&wait=})
 * @param nextTry  when not ready: how long until the next check; empty when ready
 */
public record ReadinessCheck(String client, ReadinessResult result, boolean longPoll, Optional<Duration> nextTry,
                             Instant at) {

    public ReadinessOutcome outcome() {
        return result.outcome();
    }

    /** e.g. {@code gateway unreachable (connection refused)}. */
    public String detail() {
        return result.detail();
    }
}
