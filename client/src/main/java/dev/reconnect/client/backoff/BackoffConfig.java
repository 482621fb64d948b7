package dev.reconnect.client.backoff;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff with full jitter: attempt {@code n} (from 1) waits a uniformly random time in
 * {@code [0, min(max, initial × multiplier^(n-1))]}.
 */
public record BackoffConfig(Duration initial, double multiplier, Duration max) {
    public static final BackoffConfig DEFAULT = new BackoffConfig(Duration.ofMillis(500), 2.0, Duration.ofSeconds(15));

    public BackoffConfig {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("backoff initial delay must be positive, was " + initial);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("backoff multiplier must be at least 1, was " + multiplier);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff max (" + max + ") must not be below initial (" + initial + ")");
        }
    }

    /** The upper bound of the random delay of attempt {@code attempt} (from 1), in milliseconds. */
    public long ceilingMillis(int attempt) {
        double ceiling = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return (long) Math.min(max.toMillis(), ceiling);
    }
}
