package dev.reconnect.client.backoff;

import java.time.Duration;

/**
 * Implemented by failures that know something about when to try again: a minimum (e.g. the
 * server's {@code Retry-After}, or the time left before the circuit breaker lets a call through)
 * and how long the failed attempt itself already took (a long-poll the server held for 30 s needs
 * no further backoff).
 */
public interface DelayHint {

    /** Never try again before this much time has passed. */
    default Duration minimumDelay() {
        return Duration.ZERO;
    }

    /** How long the failed attempt took; subtracted from the jittered backoff (not from the minimum). */
    default Duration alreadyWaited() {
        return Duration.ZERO;
    }
}
