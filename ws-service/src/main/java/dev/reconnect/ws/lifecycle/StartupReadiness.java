package dev.reconnect.ws.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether this instance may report ready after a start, as a state machine fed by what happens: the
 * message log answered (or did not in time), the loopback warm-up ended, the start-up delay ran out.
 * It only decides and says so, one log line per change of stage; {@link WarmUpHealthIndicator} feeds it.
 *
 * <p>Ready is for good once reached: a log that goes away later does not take the instance out of
 * service, its sessions simply wait for messages, as they would on any instance.
 */
final class StartupReadiness {
    private static final Logger log = LoggerFactory.getLogger(StartupReadiness.class);

    enum Stage {
        /** The application has not finished starting. */
        STARTING("starting"),
        /** Waiting for the message log's first answer, so that sessions start from its real head. */
        WAITING_FOR_LOG("waiting for the message log"),
        /** Loopback sessions run against the instance's own WebSocket endpoint. */
        WARMING_UP("warming up"),
        /** Warm, but {@code ws.startup-delay} has not run out yet. */
        DELAYED("start-up delay"),
        READY("ready");

        private final String words;

        Stage(String words) {
            this.words = words;
        }

        String words() {
            return words;
        }
    }

    private final String logService;
    private final Duration logTimeout;
    private final Duration startupDelay;
    private final Clock clock;
    private Stage stage = Stage.STARTING;
    private Instant startedAt;
    private boolean withoutLog;
    private WarmUpResult warmUp;

    StartupReadiness(String logService, Duration logTimeout, Duration startupDelay, Clock clock) {
        this.logService = logService;
        this.logTimeout = logTimeout;
        this.startupDelay = startupDelay;
        this.clock = clock;
    }

    /** The application has started: from now on the log is awaited, for at most the log timeout. */
    synchronized void start() {
        if (stage != Stage.STARTING) {
            return;
        }
        startedAt = clock.instant();
        stage = Stage.WAITING_FOR_LOG;
        log.info("Not ready yet: waiting for the message log at {} (at most {} ms), then warming up", logService,
                logTimeout.toMillis());
    }

    /** When the instance stops waiting for the log; null before {@link #start()}. */
    synchronized Instant logDeadline() {
        return startedAt == null ? null : startedAt.plus(logTimeout);
    }

    /**
     * The log follower knows the head ({@code head} at least 0). True if this ends the wait for the log,
     * so the caller starts the warm-up; false when it was over already or has not begun.
     */
    synchronized boolean logCaughtUp(long head) {
        if (stage != Stage.WAITING_FOR_LOG || head < 0) {
            return false;
        }
        stage = Stage.WARMING_UP;
        log.info("Caught up with the message log (head {}) {} ms after start; warming up", head, sinceStart());
        return true;
    }

    /**
     * The log timeout may have run out. True if this ends the wait for the log (the caller warms up
     * without it); false when the log answered first or the timeout has not run out yet.
     */
    synchronized boolean logTimeoutPassed() {
        if (stage != Stage.WAITING_FOR_LOG || clock.instant().isBefore(logDeadline())) {
            return false;
        }
        stage = Stage.WARMING_UP;
        withoutLog = true;
        log.warn("The message log at {} did not answer within {} ms of start: warming up and becoming ready without"
                + " it; sessions get their messages as soon as it answers", logService, logTimeout.toMillis());
        return true;
    }

    /** The loopback warm-up ended (well or not): ready now, or once the start-up delay has run out. */
    synchronized void warmedUp(WarmUpResult result) {
        if (stage != Stage.WARMING_UP) {
            return;
        }
        warmUp = result;
        String warm = result.describe();
        if (clock.instant().isBefore(readyAt())) {
            stage = Stage.DELAYED;
            say(result, warm + "; not ready before the start-up delay of " + startupDelay.toMillis() + " ms is over");
        } else {
            stage = Stage.READY;
            say(result, warm + "; ready for connections " + sinceStart() + " ms after start");
        }
    }

    /** The current stage; moves from {@link Stage#DELAYED} to {@link Stage#READY} when the delay is over. */
    synchronized Stage stage() {
        if (stage == Stage.DELAYED && !clock.instant().isBefore(readyAt())) {
            stage = Stage.READY;
            log.info("Start-up delay over: ready for connections {} ms after start", sinceStart());
        }
        return stage;
    }

    /** When a warm instance becomes ready; null before {@link #start()}. */
    synchronized Instant readyAt() {
        return startedAt == null ? null : startedAt.plus(startupDelay);
    }

    Health health() {
        Stage now = stage();
        Health.Builder health = now == Stage.READY ? Health.up() : Health.outOfService();
        health.withDetail("stage", now.words());
        synchronized (this) {
            if (withoutLog) {
                health.withDetail("log", "did not answer within " + logTimeout.toMillis() + " ms of start");
            }
            if (warmUp != null) {
                health.withDetail("warmUpSessions", warmUp.completed() + " of " + warmUp.requested());
            }
        }
        return health.build();
    }

    private void say(WarmUpResult result, String line) {
        if (result.complete()) {
            log.info(line);
        } else {
            log.warn(line);
        }
    }

    private long sinceStart() {
        return Duration.between(startedAt, clock.instant()).toMillis();
    }
}
