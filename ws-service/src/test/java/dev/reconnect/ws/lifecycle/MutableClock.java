package dev.reconnect.ws.lifecycle;

import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when a test moves it. */
final class MutableClock extends UtcTestClock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration by) {
        now = now.plus(by);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
