package dev.reconnect.client.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.backoff.HintedFailure;
import dev.reconnect.client.testing.FakeClock;
import dev.reconnect.client.testing.Harness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The retry and the breaker behind {@link ConnectPolicy}, on a fake clock; jitter at the top of its range. */
class ConnectPolicyTest {
    private final FakeClock clock = new FakeClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private ConnectPolicy policy(UnaryOperator<ClientConfig.Builder> settings) {
        ClientConfig config = settings.apply(ClientConfig.custom().gateway("http://gateway.test:8080")
                .backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(2))).build();
        return ConnectPolicy.create("c", config, clock, Harness.alwaysMax(), registry);
    }

    private static Optional<Duration> failure(ConnectPolicy policy) {
        return policy.nextDelay(HintedFailure.of("refused"));
    }

    @Test
    void delaysGrowToTheCapAndStartAgainOnceAConnectionWasStable() {
        ConnectPolicy policy = policy(c -> c);
        assertThat(failure(policy)).contains(Duration.ofMillis(100));
        assertThat(failure(policy)).contains(Duration.ofMillis(200));
        assertThat(failure(policy)).contains(Duration.ofMillis(400));
        for (int i = 0; i < 5; i++) {
            failure(policy);
        }
        assertThat(failure(policy)).contains(Duration.ofSeconds(2));

        policy.opened();
        assertThat(policy.isStable()).isFalse();
        policy.stable();
        assertThat(policy.isStable()).isTrue();
        assertThat(failure(policy)).contains(Duration.ofMillis(100));
    }

    @Test
    void aHintedMinimumIsHonouredAndTimeAlreadyWaitedIsCredited() {
        ConnectPolicy policy = policy(c -> c);
        assertThat(policy.nextDelay(new HintedFailure("busy", Duration.ofSeconds(3), Duration.ZERO)))
                .contains(Duration.ofSeconds(3));
        assertThat(policy.nextDelay(new HintedFailure("held", Duration.ZERO, Duration.ofSeconds(30))))
                .contains(Duration.ZERO);
    }

    @Test
    void givesUpAfterTheConfiguredAttempts() {
        ConnectPolicy policy = policy(c -> c.giveUpAfterAttempts(2));
        assertThat(failure(policy)).isPresent();
        assertThat(failure(policy)).isEmpty();
        assertThat(policy.giveUpReason("refused")).isEqualTo("gave up after 2 failed attempts (last: refused)");
    }

    @Test
    void pacedTriesRaiseTheBackoffButNeverCountTowardGivingUp() {
        ConnectPolicy policy = policy(c -> c.giveUpAfterAttempts(2));
        HintedFailure busy = HintedFailure.of("busy");
        assertThat(policy.pace(busy)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.pace(busy)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.pace(busy)).isEqualTo(Duration.ofMillis(400));
        assertThat(failure(policy)).as("the first failed attempt, after three paced tries").contains(Duration.ofMillis(800));
        assertThat(policy.pace(new HintedFailure("breaker open", Duration.ofSeconds(3), Duration.ZERO)))
                .as("a hinted minimum beyond the cap").isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.pace(busy)).as("capped").isEqualTo(Duration.ofSeconds(2));
        assertThat(failure(policy)).as("the second failed attempt gives up").isEmpty();

        ConnectPolicy fresh = policy(c -> c);
        fresh.pace(busy);
        failure(fresh);
        fresh.opened();
        fresh.stable();
        assertThat(fresh.pace(busy)).as("a stable connection starts the exponent over").isEqualTo(Duration.ofMillis(100));
        assertThat(failure(fresh)).contains(Duration.ofMillis(200));
    }

    @Test
    void failedUpgradesInARowOpenTheBreakerForItsWaitThenOneTrialDecides() {
        ConnectPolicy policy = policy(c -> c.circuitBreaker(2, Duration.ofSeconds(5)));
        for (int i = 0; i < 2; i++) {
            assertThat(policy.tryAcquire()).isTrue();
            policy.failed(new IllegalStateException("upgrade failed"));
        }
        assertThat(policy.breakerState()).isEqualTo(BreakerState.OPEN);
        assertThat(policy.isOpen()).isTrue();
        assertThat(policy.tryAcquire()).isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(policy.openFor()).as("the rest of the wait, and the millisecond after it")
                .isEqualTo(Duration.ofMillis(3001));

        clock.advance(Duration.ofSeconds(3));
        assertThat(policy.openFor()).as("the wait is over, but the trial goes through only after it")
                .isEqualTo(Duration.ofMillis(1));
        assertThat(policy.tryAcquire()).isFalse();
        clock.advance(Duration.ofMillis(1)); // Resilience4j lets the trial through strictly after the wait
        assertThat(policy.tryAcquire()).as("the trial connect").isTrue();
        assertThat(policy.breakerState()).isEqualTo(BreakerState.HALF_OPEN);
        policy.opened();
        assertThat(policy.breakerState()).isEqualTo(BreakerState.CLOSED);
        assertThat(registry.find("resilience4j.circuitbreaker.state").gauges()).isNotEmpty();
    }

    @Test
    void anAttemptReleasedWithoutAVerdictDoesNotCountTowardOpening() {
        ConnectPolicy policy = policy(c -> c.circuitBreaker(2, Duration.ofSeconds(5)));
        for (int i = 0; i < 5; i++) {
            assertThat(policy.tryAcquire()).isTrue();
            policy.released();
        }
        assertThat(policy.breakerState()).isEqualTo(BreakerState.CLOSED);
        assertThat(policy.openFor()).isZero();
    }

    @Test
    void withoutAPermissionHeldAFailureIsNotCounted() {
        ConnectPolicy policy = policy(c -> c.circuitBreaker(1, Duration.ofSeconds(5)));
        policy.failed(new IllegalStateException("a late report of an abandoned attempt"));
        assertThat(policy.breakerState()).isEqualTo(BreakerState.CLOSED);
    }
}
