package dev.reconnect.client.scheduling;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that starts at the wall-clock time and then advances with {@link System#nanoTime()}, so
 * that durations the client measures (uptime, downtime, backoff) never jump with the wall clock.
 */
public final class MonotonicClock extends Clock {
    private final Instant origin;
    private final long originNanos;

    private MonotonicClock(Instant origin, long originNanos) {
        this.origin = origin;
        this.originNanos = originNanos;
    }

    public static MonotonicClock create() {
        return new MonotonicClock(Instant.now(), System.nanoTime());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this; // only instants are used; the zone does not matter
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(System.nanoTime() - originNanos);
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }
}
