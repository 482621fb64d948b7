package dev.reconnect.client.backoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reconnect.client.testing.Harness;
import io.github.resilience4j.core.functions.Either;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FullJitterBackoffTest {
    private final BackoffConfig config = new BackoffConfig(Duration.ofMillis(100), 2.0, Duration.ofSeconds(2));

    @Test
    void ceilingGrowsExponentiallyAndStopsAtTheCap() {
        FullJitterBackoff backoff = new FullJitterBackoff(config, Harness.alwaysMax());
        long[] expected = {100, 200, 400, 800, 1600, 2000, 2000, 2000};
        for (int attempt = 1; attempt <= expected.length; attempt++) {
            assertThat(backoff.apply(attempt, Either.left(new RuntimeException()))).isEqualTo(expected[attempt - 1]);
        }
        assertThat(backoff.apply(10_000, Either.left(new RuntimeException()))).isEqualTo(2000); // no overflow
    }

    @Test
    void fullJitterCoversTheWholeRangeAndNeverExceedsTheCap() {
        FullJitterBackoff backoff = new FullJitterBackoff(config, new SplittableRandom(7));
        Set<Long> seen = new HashSet<>();
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2000; i++) {
            long delay = backoff.apply(30, Either.left(new RuntimeException()));
            assertThat(delay).isBetween(0L, 2000L);
            seen.add(delay);
            min = Math.min(min, delay);
            max = Math.max(max, delay);
        }
        assertThat(min).isLessThan(200); // full jitter: down to zero, not "cap ± 20 %"
        assertThat(max).isGreaterThan(1800);
        assertThat(seen.size()).isGreaterThan(500);
    }

    @Test
    void hintIsAMinimumAndTimeAlreadyWaitedIsCredited() {
        FullJitterBackoff backoff = new FullJitterBackoff(config, Harness.alwaysMax());
        DelayHint retryAfter7s = new DelayHint() {
            @Override
            public Duration minimumDelay() {
                return Duration.ofSeconds(7);
            }
        };
        assertThat(backoff.apply(1, Either.left(asThrowable(retryAfter7s)))).isEqualTo(7000); // above the 2 s cap
        DelayHint heldFor30s = new DelayHint() {
            @Override
            public Duration alreadyWaited() {
                return Duration.ofSeconds(30);
            }
        };
        assertThat(backoff.apply(8, Either.left(asThrowable(heldFor30s)))).isZero();
    }

    @Test
    void configIsValidated() {
        assertThatThrownBy(() -> new BackoffConfig(Duration.ZERO, 2, Duration.ofSeconds(1)))
                .hasMessageContaining("initial");
        assertThatThrownBy(() -> new BackoffConfig(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1)))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new BackoffConfig(Duration.ofSeconds(2), 2, Duration.ofSeconds(1)))
                .hasMessageContaining("max");
    }

    private static Throwable asThrowable(DelayHint hint) {
        class Hinted extends RuntimeException implements DelayHint {
            @Override
            public Duration minimumDelay() {
                return hint.minimumDelay();
            }

            @Override
            public Duration alreadyWaited() {
                return hint.alreadyWaited();
            }
        }
        return new Hinted();
    }
}
