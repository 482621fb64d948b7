package dev.reconnect.ws.lifecycle;

import dev.reconnect.protocol.Paths;
import dev.reconnect.support.registration.ReadinessChanged;
import dev.reconnect.ws.WsProperties;
import dev.reconnect.ws.log.LogFollower;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Part of the readiness group ({@code /readyz}, which the registry hears of at once: {@link ReadinessChanged}): out of service until
 * the instance is ready to serve fast. That is, in order: the log follower has caught up with the
 * message log's head once (or {@code ws.warm-up.log-timeout} ran out: api-service or the registry may
 * start after this instance, and the end-to-end start orders expect it to become ready regardless),
 * loopback sessions have gone through the WebSocket path once ({@link LoopbackWarmUp}), and
 * {@code ws.startup-delay} has passed. The first real wave after a restart then meets a warm JVM.
 *
 * <p>{@code SpringApplication.run} returns only once this is settled: the warm-up runs while Spring
 * Boot announces that the application accepts traffic, after every {@code ApplicationReadyEvent}
 * listener (the log follower's start among them) has run. The instance is registered and serving
 * requests by then; only its readiness waits.
 */
@Component("warmUp")
public class WarmUpHealthIndicator implements HealthIndicator {
    private static final Logger log = LoggerFactory.getLogger(WarmUpHealthIndicator.class);
    /** Beyond the warm-up's own bounds, before start-up goes on without waiting for it. */
    private static final Duration SETTLE_MARGIN = Duration.ofSeconds(2);

    private final WsProperties properties;
    private final LogFollower follower;
    private final LoopbackWarmUp loopback;
    private final StartupReadiness readiness;
    private final String address;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final AtomicBoolean begun = new AtomicBoolean();
    private final CompletableFuture<Void> settled = new CompletableFuture<>();
    private volatile int port = -1;

    @Autowired
    public WarmUpHealthIndicator(WsProperties properties, LogFollower follower, LoopbackWarmUp loopback,
                                 @Value("${server.address:}") String address, ApplicationEventPublisher events) {
        this(properties, follower, loopback, address, Clock.systemUTC(), events);
    }

    WarmUpHealthIndicator(WsProperties properties, LogFollower follower, LoopbackWarmUp loopback, String address,
                          Clock clock, ApplicationEventPublisher events) {
        this.properties = properties;
        this.clock = clock;
        this.events = events;
        this.follower = follower;
        this.loopback = loopback;
        this.readiness = new StartupReadiness(properties.logService(), properties.warmUp().logTimeout(),
                properties.startupDelay(), clock);
        // A wildcard bind address is reached on loopback; a specific one only on itself.
        this.address = !StringUtils.hasText(address) || address.equals("0.0.0.0") || address.equals("::")
                ? "127.0.0.1" : address;
        follower.onHeadMoved(this::headMoved);
    }

    /** The main port only: the management server has a namespace of its own. */
    @EventListener
    void webServerStarted(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() == null) {
            port = event.getWebServer().getPort();
        }
    }

    @EventListener
    void applicationReady(AvailabilityChangeEvent<ReadinessState> event) {
        if (event.getState() != ReadinessState.ACCEPTING_TRAFFIC || !begun.compareAndSet(false, true)) {
            return;
        }
        begin();
        Duration bound = properties.warmUp().logTimeout().plus(properties.warmUp().timeout()).plus(SETTLE_MARGIN);
        try {
            settled.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("Start-up goes on without waiting longer for the warm-up ({} ms); readiness follows when it ends",
                    bound.toMillis());
        } catch (ExecutionException e) {
            log.error("The warm-up failed unexpectedly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts waiting for the log; package-private so that a test can drive it without Spring's events. */
    void begin() {
        readiness.start();
        headMoved(); // the follower may have caught up before the wait began
        endWaitForLogWhenDue();
    }

    /**
     * The timer and the clock need not agree to the millisecond (the timer runs on the monotonic clock,
     * and a wait rounded down fires before the deadline): a timer that fires early waits again for the
     * rest, rather than leaving the instance waiting for a log that may never answer.
     */
    private void endWaitForLogWhenDue() {
        delayed(millisUntil(readiness.logDeadline())).execute(() -> {
            if (readiness.logTimeoutPassed()) {
                warmUp(follower.head());
            } else if (readiness.stage() == StartupReadiness.Stage.WAITING_FOR_LOG) {
                endWaitForLogWhenDue();
            }
        });
    }

    /** Rounded up, so that a timer set with it does not fire before {@code instant}. */
    private long millisUntil(Instant instant) {
        long nanos = Duration.between(clock.instant(), instant).toNanos();
        return nanos <= 0 ? 0 : Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    private void headMoved() {
        long head = follower.head();
        if (head >= 0 && readiness.logCaughtUp(head)) {
            warmUp(head);
        }
    }

    /** Runs off the caller's thread: the follower's must go on following. */
    private void warmUp(long head) {
        WsProperties.WarmUp settings = properties.warmUp();
        CompletableFuture<WarmUpResult> result;
        try {
            result = port <= 0
                    ? CompletableFuture.completedFuture(WarmUpResult.skipped("no web server to warm up"))
                    : loopback.run(URI.create("ws://" + hostForUri() + ":" + port + Paths.WEBSOCKET), head,
                            settings.sessions(), settings.backlog(), settings.timeout());
        } catch (RuntimeException e) {
            // Never left hanging in "warming up": a warm-up that cannot even begin still ends in ready.
            result = CompletableFuture.completedFuture(WarmUpResult.of(settings.sessions(), 0, 0, e.toString()));
        }
        result.whenComplete((warm, error) -> {
            readiness.warmedUp(error == null ? warm : WarmUpResult.of(settings.sessions(), 0, 0, error.toString()));
            settled.complete(null);
            if (millisUntil(readiness.readyAt()) > 0) {
                // So that "ready" is logged, and reported to the registry, when it happens, not at the next look.
                reportReadyWhenDelayIsOver();
            } else {
                readinessMayHaveChanged("warmed up");
            }
        });
    }

    /** Like the wait for the log: a timer that fires before the clock says the delay is over waits again. */
    private void reportReadyWhenDelayIsOver() {
        delayed(millisUntil(readiness.readyAt())).execute(() -> {
            if (readiness.stage() == StartupReadiness.Stage.DELAYED) {
                reportReadyWhenDelayIsOver();
            } else {
                readinessMayHaveChanged("start-up delay over");
            }
        });
    }

    private void readinessMayHaveChanged(String why) {
        if (readiness.stage() == StartupReadiness.Stage.READY) {
            events.publishEvent(new ReadinessChanged(why));
        }
    }

    private String hostForUri() {
        return address.contains(":") ? "[" + address + "]" : address;
    }

    private static Executor delayed(long millis) {
        return CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public Health health() {
        return readiness.health();
    }

    /** Where start-up stands, for tests. */
    StartupReadiness.Stage stage() {
        return readiness.stage();
    }
}
