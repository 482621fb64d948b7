package dev.reconnect.consul.emulator.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Consul's wait rules: default 5 minutes, at most 10, plus up to 1/16 of the wait as jitter. */
class BlockingParamsTest {

    @Test
    void waitGetsUpToOneSixteenthJitterAndIsDefaultedAndCapped() {
        assertWaitsWithin(Duration.ofSeconds(16), Duration.ofSeconds(16), Duration.ofSeconds(17));
        assertWaitsWithin(null, Duration.ofMinutes(5), Duration.ofMinutes(5).plus(Duration.ofMinutes(5).dividedBy(16)));
        assertWaitsWithin(Duration.ZERO, Duration.ofMinutes(5), Duration.ofMinutes(5).plus(Duration.ofMinutes(5).dividedBy(16)));
        assertWaitsWithin(Duration.ofHours(1), Duration.ofMinutes(10),
                Duration.ofMinutes(10).plus(Duration.ofMinutes(10).dividedBy(16)));
    }

    @Test
    void onlyAClientHoldingTheCurrentOrALaterIndexWaits() {
        assertThat(new BlockingParams(0, null).shouldWait(10)).isFalse();
        assertThat(new BlockingParams(9, null).shouldWait(10)).isFalse();
        assertThat(new BlockingParams(10, null).shouldWait(10)).isTrue();
        assertThat(new BlockingParams(11, null).shouldWait(10)).isTrue();
    }

    private static void assertWaitsWithin(Duration wait, Duration from, Duration below) {
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration timeout = new BlockingParams(10, wait).timeoutWithJitter();
            assertThat(timeout).isGreaterThanOrEqualTo(from).isLessThan(below);
            seen.add(timeout);
        }
        assertThat(seen).as("jitter varies").hasSizeGreaterThan(100);
    }
}
