package dev.reconnect.devkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** socket.io's default reconnection delays, with the random draw injected. */
class SocketIoBackoffTest {

    private static SocketIoBackoff drawing(Double... draws) {
        Deque<Double> queue = new ArrayDeque<>(List.of(draws));
        return new SocketIoBackoff(queue::removeFirst);
    }

    @Test
    void theDelayDoublesFromOneSecondAndTheDrawMovesItByUpToHalf() {
        // 0.25: deviation floor(0.25 * 0.5 * 1000) = 125, first decimal 2 is even: down.
        // 0.35: deviation floor(0.35 * 0.5 * 2000) = 350, first decimal 3 is odd: up.
        // 0.15: deviation floor(0.15 * 0.5 * 4000) = 300, odd: up.
        SocketIoBackoff backoff = drawing(0.25, 0.35, 0.15);
        assertThat(backoff.nextDelayMillis()).isEqualTo(875);
        assertThat(backoff.nextDelayMillis()).isEqualTo(2_350);
        assertThat(backoff.nextDelayMillis()).isEqualTo(4_300);
    }

    @Test
    void theDelayIsCappedAtFiveSecondsAfterTheJitter() {
        // 4 s moved up by 0.99 * 0.5 * 4000 = 1980 would be 5980; 8 s is above the cap either way.
        SocketIoBackoff backoff = drawing(0.0, 0.0, 0.99, 0.0, 0.42);
        backoff.nextDelayMillis();
        backoff.nextDelayMillis();
        assertThat(backoff.nextDelayMillis()).isEqualTo(5_000);
        assertThat(backoff.nextDelayMillis()).isEqualTo(5_000);
        assertThat(backoff.nextDelayMillis()).isEqualTo(5_000);
    }

    @Test
    void anOpenConnectionStartsTheNextOutageFromOneSecond() {
        SocketIoBackoff backoff = drawing(0.0, 0.0, 0.0, 0.0);
        backoff.nextDelayMillis();
        backoff.nextDelayMillis();
        backoff.reset();
        assertThat(backoff.nextDelayMillis()).isEqualTo(1_000);
        assertThat(backoff.nextDelayMillis()).isEqualTo(2_000);
    }

    @Test
    void everyDelayStaysWithinHalfToOneAndAHalfTimesItsStepAndUnderTheCap() {
        SocketIoBackoff backoff = new SocketIoBackoff(new SplittableRandom(42)::nextDouble);
        for (int attempt = 0; attempt < 40; attempt++) {
            double step = 1_000 * Math.pow(2, Math.min(attempt, 20));
            long delay = backoff.nextDelayMillis();
            assertThat(delay).isBetween((long) Math.min(step / 2, 5_000), (long) Math.min(step * 1.5, 5_000));
        }
    }
}
