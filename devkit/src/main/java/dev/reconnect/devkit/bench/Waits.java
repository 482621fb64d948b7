package dev.reconnect.devkit.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for something other threads or processes bring about, with a deadline and a message that says what did not happen. */
final class Waits {
    private static final long PAUSE_MILLIS = 50;

    private Waits() {}

    /** @param state what there is instead, for the message when the deadline passes */
    static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new BenchException("gave up after " + timeout.toSeconds() + " s waiting for " + what + ": "
                        + state.get());
            }
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted while waiting for " + what);
            }
        }
    }
}
