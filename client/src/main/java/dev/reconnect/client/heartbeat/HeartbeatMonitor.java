package dev.reconnect.client.heartbeat;

import dev.reconnect.client.scheduling.Scheduler;
import dev.reconnect.client.scheduling.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Declares a link dead when nothing at all has come from the server for the timeout. Frames only
 * record a timestamp (cheap at any message rate); one timer re-arms itself for the remaining time.
 * Used only on the client's event loop.
 */
public final class HeartbeatMonitor {
    private final Clock clock;
    private final Consumer<Duration> onSilence;
    private final Timer timer;
    private Duration timeout;
    private long lastFrameMillis;

    /** @param onSilence called with how long the server has been silent */
    public HeartbeatMonitor(Scheduler scheduler, Clock clock, Consumer<Duration> onSilence) {
        this.timer = new Timer(scheduler);
        this.clock = clock;
        this.onSilence = onSilence;
    }

    public void start(Duration timeout) {
        this.timeout = timeout;
        this.lastFrameMillis = clock.millis();
        timer.schedule(timeout, this::check);
    }

    public void frameReceived() {
        lastFrameMillis = clock.millis();
    }

    public void stop() {
        timer.cancel();
    }

    public Duration timeout() {
        return timeout;
    }

    private void check() {
        long silentMillis = clock.millis() - lastFrameMillis;
        if (silentMillis >= timeout.toMillis()) {
            onSilence.accept(Duration.ofMillis(silentMillis));
        } else {
            timer.schedule(Duration.ofMillis(timeout.toMillis() - silentMillis), this::check);
        }
    }
}
