package dev.reconnect.ws.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.support.registration.ReadinessChanged;
import dev.reconnect.ws.WsProperties;
import dev.reconnect.ws.log.LogFollower;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The waits for the log and the start-up delay end by themselves, whatever the timer and the clock think of each other. */
class WarmUpHealthIndicatorTest {
    /**
     * A timer that fires before the clock says the log timeout is over (here the clock runs at half speed)
     * must not leave the instance waiting for a log that never answers: on a loaded machine, a timer set to
     * a wait rounded down fired a fraction of a millisecond early, and the instance never became ready.
     */
    @Test
    void becomesReadyWithoutTheLogEvenWhenTheTimerFiresBeforeTheClockSaysSo() {
        ScriptedLog log = new ScriptedLog(0);
        log.available(false);
        WsProperties properties = WsProperties.defaults()
                .withWarmUp(new WsProperties.WarmUp(Duration.ofMillis(200), 4, 100, Duration.ofSeconds(10)));
        WarmUpHealthIndicator warmUp = new WarmUpHealthIndicator(properties, new LogFollower(log, properties),
                new LoopbackWarmUp(), "", new HalfSpeedClock(), event -> { });

        warmUp.begin();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(warmUp.stage()).isEqualTo(StartupReadiness.Stage.READY));
        assertThat(warmUp.health().getDetails()).containsEntry("log", "did not answer within 200 ms of start");
    }

    /**
     * The same for the start-up delay: a timer that fires while the clock still says "delayed" waits again, and the
     * registry is told "ready" when the delay is over, not at the next refresh of the ready check (up to 10 s later).
     */
    @Test
    void saysReadyWhenTheStartUpDelayIsOverEvenWhenTheTimerFiresBeforeTheClockSaysSo() {
        ScriptedLog log = new ScriptedLog(0);
        // The log does not answer here: its timeout (200 ms) ends the wait, the delay (600 ms) holds the instance back.
        WsProperties properties = WsProperties.defaults().withStartupDelay(Duration.ofMillis(600))
                .withWarmUp(new WsProperties.WarmUp(Duration.ofMillis(200), 4, 100, Duration.ofSeconds(10)));
        List<Object> events = new CopyOnWriteArrayList<>();
        WarmUpHealthIndicator warmUp = new WarmUpHealthIndicator(properties, new LogFollower(log, properties),
                new LoopbackWarmUp(), "", new HalfSpeedClock(), events::add);

        warmUp.begin();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(events).containsExactly(new ReadinessChanged("start-up delay over")));
        assertThat(warmUp.stage()).isEqualTo(StartupReadiness.Stage.READY);
    }

    /** Time as the system tells it, but passing half as fast. */
    private static final class HalfSpeedClock extends UtcTestClock {
        private final Instant origin = Instant.now();
        private final long originNanos = System.nanoTime();

        @Override
        public Instant instant() {
            return origin.plusNanos((System.nanoTime() - originNanos) / 2);
        }
    }
}
