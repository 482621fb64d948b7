package dev.reconnect.client.heartbeat;

import dev.reconnect.client.scheduling.Cancellable;
import dev.reconnect.client.scheduling.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Declares a link dead when nothing at all has come from the server for the timeout. Frames only
 * record a timestamp (cheap at any message rate); one timer re-arms itself for the remaining time.
 * Used only on the client's event loop.
 */
public final class HeartbeatMonitor {
    private final Scheduler scheduler;
    private final Clock clock;
    private final Consumer<Duration> onSilence;
    private Duration timeout;
    private long lastFrameMillis;
    private long generation;
    private Cancellable timer = Cancellable.NONE;

    /** @param onSilence called with how long the server has been silent */
    public HeartbeatMonitor(Scheduler scheduler, Clock clock, Consumer<Duration> onSilence) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.onSilence = onSilence;
    }

    public void start(Duration timeout) {
        stop();
        this.timeout = timeout;
        this.lastFrameMillis = clock.millis();
        arm(timeout, ++generation);
    }

    public void frameReceived() {
        lastFrameMillis = clock.millis();
    }

    public void stop() {
        generation++;
        timer.cancel();
        timer = Cancellable.NONE;
    }

    public Duration timeout() {
        return timeout;
    }

    private void arm(Duration delay, long armedGeneration) {
        timer = scheduler.schedule(delay, () -> check(armedGeneration));
    }

    private void check(long armedGeneration) {
        if (armedGeneration != generation) {
            return;
        }
        long silentMillis = clock.millis() - lastFrameMillis;
        if (silentMillis >= timeout.toMillis()) {
            stop();
            onSilence.accept(Duration.ofMillis(silentMillis));
        } else {
            arm(Duration.ofMillis(timeout.toMillis() - silentMillis), armedGeneration);
        }
    }
}
