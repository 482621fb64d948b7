package dev.reconnect.client.policy;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.backoff.FullJitterBackoff;
import dev.reconnect.client.backoff.HintedFailure;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * When to try again and whether a connect may go out: the Resilience4j retry (full-jitter backoff,
 * give-up after N attempts) and circuit breaker (failed upgrades in a row) of one client, behind the
 * few questions the client asks. Resilience4j stays an implementation detail, but its meters still
 * reach the registry. Used only on the client's event loop.
 *
 * <p>Two kinds of "not now" share one backoff: a failed attempt ({@link #nextDelay}), which counts
 * toward giving up, and a try that was paced rather than failed ({@link #pace}: the gateway was busy,
 * the instance full, the breaker still open), which does not. Both raise the exponent, so a crowd the
 * gateway keeps turning away spreads out further each time instead of coming back at the same pace.
 */
public final class ConnectPolicy {
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final Duration openWait;
    private final Clock clock;
    private final FullJitterBackoff jitter;
    private final PacedTries paced;
    private Retry.AsyncContext<Object> backoff;
    private int failedAttempts;
    private Instant attemptStartedAt;
    private Instant openedAt;
    private boolean stable;

    private ConnectPolicy(Retry retry, CircuitBreaker breaker, Duration openWait, Clock clock,
                          FullJitterBackoff jitter, PacedTries paced) {
        this.retry = retry;
        this.breaker = breaker;
        this.openWait = openWait;
        this.clock = clock;
        this.jitter = jitter;
        this.paced = paced;
        this.backoff = retry.asyncContext();
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt = clock.instant();
            }
        });
    }

    /** The policy of client {@code name}; its Resilience4j meters are bound to {@code registry}. */
    public static ConnectPolicy create(String name, ClientConfig config, Clock clock, RandomGenerator random,
                                       MeterRegistry registry) {
        FullJitterBackoff jitter = new FullJitterBackoff(config.backoff(), random);
        PacedTries paced = new PacedTries();
        RetryRegistry retries = RetryRegistry.of(RetryConfig.custom()
                .maxAttempts(config.giveUp().attempts().orElse(Integer.MAX_VALUE))
                // the retry counts failed attempts only; the exponent counts paced tries as well
                .intervalBiFunction((attempt, outcome) -> jitter.apply(attempt + paced.count, outcome))
                .retryOnException(error -> true)
                .failAfterMaxAttempts(false)
                .build());
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(registry);
        int failures = config.breaker().failures();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(failures)
                .minimumNumberOfCalls(failures)
                .failureRateThreshold(100f)
                .waitDurationInOpenState(config.breaker().openWait())
                .permittedNumberOfCallsInHalfOpenState(1)
                // a trial connect goes out only when readiness says so, never on a timer of its own
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(error -> true)
                .clock(clock)
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        return new ConnectPolicy(retries.retry(name + "-reconnect"), breakers.circuitBreaker(name + "-connect"),
                config.breaker().openWait(), clock, jitter, paced);
    }

    /** How long to wait after {@code failure}; empty when the attempts are used up (give up). */
    public Optional<Duration> nextDelay(HintedFailure failure) {
        failedAttempts++;
        long delay = backoff.onError(failure);
        return delay < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(delay));
    }

    /**
     * How long to wait after a try that was paced, not failed ({@code reason}: the gateway was busy, the
     * instance full, the breaker still open): the backoff of the next attempt, honouring the reason's
     * hint, but nothing toward giving up after N attempts. The outage's time limit still applies.
     */
    public Duration pace(HintedFailure reason) {
        paced.count++;
        return Duration.ofMillis(jitter.apply(failedAttempts + paced.count, Either.left(reason)));
    }

    /** Asks the breaker for one connect; when granted, it must end in {@link #opened}, {@link #failed} or {@link #released}. */
    public boolean tryAcquire() {
        if (!breaker.tryAcquirePermission()) {
            return false;
        }
        attemptStartedAt = clock.instant();
        return true;
    }

    /** The connect was welcomed; the backoff keeps counting until the connection proves {@link #stable}. */
    public void opened() {
        if (attemptStartedAt != null) {
            breaker.onSuccess(elapsedMillis(), TimeUnit.MILLISECONDS);
            attemptStartedAt = null;
        }
        stable = false;
    }

    /** A failed upgrade: it counts toward opening the breaker. */
    public void failed(Throwable failure) {
        if (attemptStartedAt != null) {
            breaker.onError(elapsedMillis(), TimeUnit.MILLISECONDS, failure);
            attemptStartedAt = null;
        }
    }

    /** The connect ended without saying anything about the upgrade (e.g. the instance was full). */
    public void released() {
        if (attemptStartedAt != null) {
            breaker.releasePermission();
            attemptStartedAt = null;
        }
    }

    /** The connection lasted the minimum uptime: the next outage starts its backoff from scratch. */
    public void stable() {
        if (stable) {
            return;
        }
        stable = true;
        backoff.onComplete();
        backoff = retry.asyncContext();
        failedAttempts = 0;
        paced.count = 0;
    }

    /** Whether the current (or last) connection lasted the minimum uptime. */
    public boolean isStable() {
        return stable;
    }

    public boolean isOpen() {
        return breaker.getState() == CircuitBreaker.State.OPEN;
    }

    /**
     * How much longer the open breaker refuses connects; zero when it does not. The breaker lets a trial
     * through only once its wait is strictly over, so the last millisecond counts: a client that waited
     * exactly the wait was refused at the boundary and backed off once more.
     */
    public Duration openFor() {
        if (!isOpen() || openedAt == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), openedAt.plus(openWait));
        return left.isNegative() ? Duration.ZERO : left.plusMillis(1);
    }

    public BreakerState breakerState() {
        return switch (breaker.getState()) {
            case CLOSED, DISABLED, METRICS_ONLY -> BreakerState.CLOSED;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
            default -> BreakerState.OPEN;
        };
    }

    /** Why the client stops after the last allowed attempt failed with {@code lastProblem}. */
    public String giveUpReason(String lastProblem) {
        return "gave up after " + retry.getRetryConfig().getMaxAttempts() + " failed attempts (last: " + lastProblem + ")";
    }

    /** Paced tries of the current outage; shared with the retry's interval function, which adds them to its attempt. */
    private static final class PacedTries {
        int count;
    }

    private long elapsedMillis() {
        return Duration.between(attemptStartedAt, clock.instant()).toMillis();
    }
}
