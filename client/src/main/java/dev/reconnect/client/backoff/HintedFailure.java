package dev.reconnect.client.backoff;

import java.time.Duration;

/** A failed attempt, as the backoff sees it: a description plus a {@link DelayHint}. Cheap: no stack trace. */
public final class HintedFailure extends RuntimeException implements DelayHint {
    private final Duration minimum;
    private final Duration waited;

    public HintedFailure(String message, Duration minimumDelay, Duration alreadyWaited) {
        super(message, null, false, false);
        this.minimum = minimumDelay == null ? Duration.ZERO : minimumDelay;
        this.waited = alreadyWaited == null ? Duration.ZERO : alreadyWaited;
    }

    public static HintedFailure of(String message) {
        return new HintedFailure(message, Duration.ZERO, Duration.ZERO);
    }

    @Override
    public Duration minimumDelay() {
        return minimum;
    }

    @Override
    public Duration alreadyWaited() {
        return waited;
    }
}
