package dev.reconnect.ws.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.ws.lifecycle.StartupReadiness.Stage;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

class StartupReadinessTest {
    private static final Duration LOG_TIMEOUT = Duration.ofSeconds(5);
    private static final WarmUpResult WARM = WarmUpResult.of(4, 4, 120, null);

    private final MutableClock clock = new MutableClock();

    private StartupReadiness readiness(Duration startupDelay) {
        return new StartupReadiness("api-service", LOG_TIMEOUT, startupDelay, clock);
    }

    @Test
    void readyOnlyOnceTheLogHasAnsweredAndTheWarmUpIsOver() {
        StartupReadiness readiness = readiness(Duration.ZERO);
        assertThat(readiness.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

        readiness.start();
        assertThat(readiness.stage()).isEqualTo(Stage.WAITING_FOR_LOG);
        assertThat(readiness.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

        assertThat(readiness.logCaughtUp(42)).as("the caught-up log starts the warm-up").isTrue();
        assertThat(readiness.stage()).isEqualTo(Stage.WARMING_UP);
        assertThat(readiness.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

        readiness.warmedUp(WARM);
        assertThat(readiness.stage()).isEqualTo(Stage.READY);
        assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
        assertThat(readiness.health().getDetails()).containsEntry("warmUpSessions", "4 of 4").doesNotContainKey("log");
    }

    @Test
    void anUnknownHeadIsNotCaughtUp() {
        StartupReadiness readiness = readiness(Duration.ZERO);
        readiness.start();

        assertThat(readiness.logCaughtUp(-1)).isFalse();
        assertThat(readiness.stage()).isEqualTo(Stage.WAITING_FOR_LOG);
    }

    @Test
    void aHeadSeenBeforeTheStartDoesNotEndAWaitThatHasNotBegun() {
        StartupReadiness readiness = readiness(Duration.ZERO);

        assertThat(readiness.logCaughtUp(7)).isFalse();
        assertThat(readiness.stage()).isEqualTo(Stage.STARTING);
    }

    @Test
    void withoutAnAnswerFromTheLogItWarmsUpAndBecomesReadyOnceTheLogTimeoutHasRunOut() {
        StartupReadiness readiness = readiness(Duration.ZERO);
        readiness.start();

        clock.advance(LOG_TIMEOUT.minusMillis(1));
        assertThat(readiness.logTimeoutPassed()).as("not yet").isFalse();
        assertThat(readiness.stage()).isEqualTo(Stage.WAITING_FOR_LOG);

        clock.advance(Duration.ofMillis(1));
        assertThat(readiness.logTimeoutPassed()).isTrue();
        assertThat(readiness.stage()).isEqualTo(Stage.WARMING_UP);
        assertThat(readiness.logCaughtUp(42)).as("a late answer starts no second warm-up").isFalse();

        readiness.warmedUp(WARM);
        assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
        assertThat(readiness.health().getDetails()).containsEntry("log", "did not answer within 5000 ms of start");
    }

    @Test
    void theTimeoutDoesNothingOnceTheLogHasAnswered() {
        StartupReadiness readiness = readiness(Duration.ZERO);
        readiness.start();
        readiness.logCaughtUp(3);

        clock.advance(LOG_TIMEOUT.multipliedBy(2));
        assertThat(readiness.logTimeoutPassed()).isFalse();
        assertThat(readiness.stage()).isEqualTo(Stage.WARMING_UP);
    }

    @Test
    void aZeroLogTimeoutDoesNotWaitForTheLog() {
        StartupReadiness readiness = new StartupReadiness("api-service", Duration.ZERO, Duration.ZERO, clock);
        readiness.start();

        assertThat(readiness.logTimeoutPassed()).isTrue();
        assertThat(readiness.stage()).isEqualTo(Stage.WARMING_UP);
    }

    @Test
    void aWarmInstanceWaitsForTheStartUpDelay() {
        StartupReadiness readiness = readiness(Duration.ofSeconds(3));
        readiness.start();
        readiness.logCaughtUp(10);
        clock.advance(Duration.ofSeconds(1));
        readiness.warmedUp(WARM);

        assertThat(readiness.stage()).isEqualTo(Stage.DELAYED);
        assertThat(readiness.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

        clock.advance(Duration.ofSeconds(2));
        assertThat(readiness.stage()).isEqualTo(Stage.READY);
        assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void anIncompleteWarmUpStillEndsInReady() {
        StartupReadiness readiness = readiness(Duration.ZERO);
        readiness.start();
        readiness.logCaughtUp(10);

        readiness.warmedUp(WarmUpResult.of(4, 1, 10_000, "not done within ws.warm-up.timeout, 10000 ms"));

        assertThat(readiness.health().getStatus()).as("a cold instance beats none").isEqualTo(Status.UP);
        assertThat(readiness.health().getDetails()).containsEntry("warmUpSessions", "1 of 4");
    }

    @Test
    void aWarmUpResultBeforeTheWarmUpBeganChangesNothing() {
        StartupReadiness readiness = readiness(Duration.ZERO);
        readiness.start();

        readiness.warmedUp(WARM);

        assertThat(readiness.stage()).isEqualTo(Stage.WAITING_FOR_LOG);
    }

    @Test
    void readyIsForGood() {
        StartupReadiness readiness = readiness(Duration.ZERO);
        readiness.start();
        readiness.logCaughtUp(10);
        readiness.warmedUp(WARM);

        readiness.start();
        clock.advance(LOG_TIMEOUT.multipliedBy(2));
        assertThat(readiness.logTimeoutPassed()).isFalse();
        readiness.warmedUp(WarmUpResult.of(4, 0, 1, "refused"));

        assertThat(readiness.stage()).isEqualTo(Stage.READY);
        assertThat(readiness.health().getDetails()).containsEntry("warmUpSessions", "4 of 4");
    }

    @Test
    void theWarmUpLineSaysWhatHappened() {
        assertThat(WARM.describe()).isEqualTo("Warmed up in 120 ms: 4 sessions");
        assertThat(WarmUpResult.of(4, 2, 900, "connection refused").describe())
                .isEqualTo("Warm-up incomplete after 900 ms: 2 of 4 sessions completed (connection refused), so the first"
                        + " clients may be served more slowly");
        assertThat(WarmUpResult.skipped("ws.warm-up.sessions is 0").describe())
                .isEqualTo("No warm-up sessions (ws.warm-up.sessions is 0)");
        assertThat(WarmUpResult.skipped("ws.warm-up.sessions is 0").complete()).isTrue();
        assertThat(WarmUpResult.of(4, 4, 5, "ignored: all completed").complete()).isTrue();
    }
}
