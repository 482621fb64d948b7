package dev.reconnect.client.backoff;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.functions.Either;
import java.util.random.RandomGenerator;

/**
 * Resilience4j interval function: exponential backoff with full jitter, capped, honouring a
 * {@link DelayHint}'s minimum (e.g. {@code Retry-After}) and crediting the time an attempt already took.
 */
public final class FullJitterBackoff implements IntervalBiFunction<Object> {
    private final BackoffConfig config;
    private final RandomGenerator random;

    public FullJitterBackoff(BackoffConfig config, RandomGenerator random) {
        this.config = config;
        this.random = random;
    }

    @Override
    public Long apply(Integer attempt, Either<Throwable, Object> outcome) {
        long ceiling = config.ceilingMillis(attempt == null ? 1 : attempt);
        long delay = ceiling <= 0 ? 0 : random.nextLong(ceiling + 1);
        if (outcome != null && outcome.isLeft() && outcome.getLeft() instanceof DelayHint hint) {
            delay = Math.max(0, delay - hint.alreadyWaited().toMillis());
            delay = Math.max(delay, hint.minimumDelay().toMillis());
        }
        return delay;
    }
}
