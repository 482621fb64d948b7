package dev.reconnect.ws.stream;

import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.Limits;
import dev.reconnect.protocol.ProtocolException;
import dev.reconnect.protocol.log.PublishResult;
import dev.reconnect.ws.WsProperties;
import dev.reconnect.ws.log.LogClient;
import dev.reconnect.ws.log.LogFollower;
import dev.reconnect.ws.log.LogOutcomeUnknownException;
import dev.reconnect.ws.log.LogRejectedException;
import dev.reconnect.ws.log.LogUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The {@code /ws} endpoint: a hello with the last seq seen, then the log from there on, pings, and
 * publishes forwarded to the log. A bad frame gets an error frame and the session stays open.
 *
 * <p>Nothing one client does holds a shared thread: frames go out through each session's own bounded
 * {@link Outbound} queue, closes happen on the {@link SessionCloser}, and per-session limits (hello
 * timeout, publishes in flight, a session cap) close or refuse only the session concerned, always with
 * a 4000-4099 code, which the gateway never takes for a failed instance.
 */
@Component
public class StreamHandler extends TextWebSocketHandler {
    private static final Logger log = LoggerFactory.getLogger(StreamHandler.class);
    /** How long a close may wait for the frame in flight before the connection is dropped instead. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    private static final Duration RESTART_CLOSE_WAIT = Duration.ofSeconds(5);

    private final LogFollower follower;
    private final LogClient logClient;
    private final WsProperties properties;
    private final String instanceId;
    private final StreamMeters meters;
    private final OversizedMessages oversized;
    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicBoolean full = new AtomicBoolean();
    private final ExecutorService delivery = Executors.newFixedThreadPool(4, named("delivery"));
    private final ExecutorService publishing = Executors.newFixedThreadPool(4, named("publish"));
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(named("session-timer"));
    private final SessionCloser closer;

    public StreamHandler(LogFollower follower, LogClient logClient, WsProperties properties, MeterRegistry registry,
                         @Value("${spring.cloud.consul.discovery.instance-id:ws-service}") String instanceId) {
        this.follower = follower;
        this.logClient = logClient;
        this.properties = properties;
        this.instanceId = instanceId;
        this.meters = new StreamMeters(registry);
        this.oversized = new OversizedMessages(meters);
        this.closer = new SessionCloser(16, min(CLOSE_WAIT, properties.sendTimeout()));
        follower.onHeadMoved(() -> subscribers.values().forEach(Subscriber::wake));
        follower.onHeadWentBack(this::closeAllForResync);
        long sweepMillis = Math.max(50, Math.min(1000, properties.sendTimeout().toMillis() / 4));
        timers.scheduleWithFixedDelay(this::closeStuckSessions, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        session.setTextMessageSizeLimit(Limits.MAX_FRAME_BYTES);
        // Refused after the upgrade, not before: a refused handshake would look like a dead instance.
        if (admitted.incrementAndGet() > properties.maxSessions()) {
            admitted.decrementAndGet();
            if (full.compareAndSet(false, true)) {
                log.warn("Instance full: {} sessions open, new ones are closed with {} until some end",
                        properties.maxSessions(), CloseCodes.INSTANCE_FULL);
            }
            meters.sessionClosed(StreamMeters.INSTANCE_FULL);
            closer.close(session, new CloseStatus(CloseCodes.INSTANCE_FULL,
                    "this instance is full (" + properties.maxSessions() + " sessions); try again shortly"));
            return;
        }
        Subscriber subscriber = new Subscriber(session, follower, logClient, delivery, oversized);
        subscriber.attach(new Outbound(session, properties.sendBuffer().toBytes(), properties.sendTimeout().toMillis(),
                reason -> tooSlow(subscriber, reason), subscriber::wake));
        subscribers.put(session.getId(), subscriber);
        timers.schedule(() -> helloTimeout(subscriber), properties.helloTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        Subscriber subscriber = subscribers.get(session.getId());
        if (subscriber == null || subscriber.closing()) {
            return;
        }
        Frame frame;
        try {
            frame = FrameCodec.decode(message.getPayload());
        } catch (ProtocolException e) {
            subscriber.send(new Frame.Error(e.code(), e.getMessage(), null));
            return;
        }
        if (frame instanceof Frame.Hello hello) {
            hello(subscriber, hello);
        } else if (frame instanceof Frame.Publish publish) {
            if (!subscriber.tryStartPublish(properties.maxPublishesInFlight())) {
                reject(subscriber, publish, ErrorCodes.BUSY, properties.maxPublishesInFlight()
                        + " publishes are already waiting for the log on this session; send it again after an ack");
                return;
            }
            subscriber.enqueuePublish(() -> {
                try {
                    publish(subscriber, publish);
                } finally {
                    subscriber.publishDone();
                }
            }, publishing);
        } else {
            subscriber.send(new Frame.Error(ErrorCodes.UNEXPECTED,
                    "a client may send \"hello\" and \"publish\" frames, not \"" + frame.type() + "\"", null));
        }
    }

    private void hello(Subscriber subscriber, Frame.Hello hello) {
        if (!subscriber.markHelloReceived()) {
            subscriber.send(new Frame.Error(ErrorCodes.UNEXPECTED, "hello was already received on this session", null));
            return;
        }
        long resumeFrom = hello.lastSeq();
        long head = follower.head();
        if (head >= 0 && resumeFrom > head) {
            OptionalLong confirmed = confirmedHead();
            head = Math.max(head, confirmed.orElse(head));
            // Clamp only against a head api-service confirmed: the follower may lag a moment behind a
            // client that another instance served, and without an answer the client is trusted.
            if (confirmed.isPresent() && resumeFrom > head) {
                subscriber.send(new Frame.Error(ErrorCodes.BAD_VALUE, "lastSeq " + resumeFrom
                        + " is beyond the log's head " + head + "; resuming from " + head, null));
                resumeFrom = head;
            }
        }
        subscriber.send(new Frame.Welcome(instanceId, Math.max(head, 0), resumeFrom,
                properties.heartbeatInterval().toMillis()));
        subscriber.start(resumeFrom);
    }

    private OptionalLong confirmedHead() {
        try {
            return OptionalLong.of(logClient.read(0, 1, Duration.ZERO).head());
        } catch (LogUnavailableException e) {
            return OptionalLong.empty();
        }
    }

    private void publish(Subscriber subscriber, Frame.Publish publish) {
        try {
            PublishResult result = logClient.publish(publish.key(), publish.body());
            subscriber.send(new Frame.Ack(publish.key(), result.seq()));
        } catch (LogRejectedException e) {
            reject(subscriber, publish, e.code(), e.getMessage());
        } catch (LogOutcomeUnknownException e) {
            log.debug("Publish {} outcome unknown: {}", publish.key(), e.getMessage());
            reject(subscriber, publish, ErrorCodes.OUTCOME_UNKNOWN,
                    "may or may not be stored; send it again with the same key");
        } catch (LogUnavailableException e) {
            reject(subscriber, publish, ErrorCodes.LOG_UNAVAILABLE,
                    "not stored: " + e.getMessage() + "; send it again later");
        }
    }

    private void reject(Subscriber subscriber, Frame.Publish publish, String code, String message) {
        meters.publishRejected(code);
        subscriber.send(new Frame.Error(code, message, publish.key()));
    }

    private void helloTimeout(Subscriber subscriber) {
        // Not started() but helloReceived(): a hello still working out its welcome (it may wait for the log) is no timeout.
        if (!subscriber.helloReceived() && subscribers.containsKey(subscriber.session().getId())) {
            close(subscriber, CloseCodes.HELLO_TIMEOUT, StreamMeters.HELLO_TIMEOUT,
                    "no hello within " + properties.helloTimeout().toMillis() + " ms");
        }
    }

    private void tooSlow(Subscriber subscriber, String reason) {
        if (close(subscriber, CloseCodes.TOO_SLOW, StreamMeters.TOO_SLOW, reason)) {
            log.info("Session {} closed with {}: the client {}", subscriber.session().getId(), CloseCodes.TOO_SLOW, reason);
        }
    }

    private void closeStuckSessions() {
        long now = System.nanoTime();
        for (Subscriber subscriber : subscribers.values()) {
            subscriber.outbound().checkTimeout(now);
        }
    }

    /** Closes one session for a reason of its own, once; never on the caller's thread. */
    private boolean close(Subscriber subscriber, int code, String meterReason, String reason) {
        if (!subscriber.markClosing()) {
            return false;
        }
        meters.sessionClosed(meterReason);
        closer.close(subscriber.session(), new CloseStatus(code, reason));
        return true;
    }

    private void closeAllForResync() {
        int count = 0;
        for (Subscriber subscriber : subscribers.values()) {
            if (close(subscriber, CloseCodes.RESYNC, StreamMeters.RESYNC, "the message log changed; reconnect and resume")) {
                count++;
            }
        }
        log.warn("Closed {} session(s) with {} so that they resume against the new log head", count, CloseCodes.RESYNC);
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        log.debug("Transport error on session {}: {}", session.getId(), exception.getMessage());
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        Subscriber subscriber = subscribers.remove(session.getId());
        if (subscriber != null) {
            subscriber.outbound().discard();
            if (admitted.decrementAndGet() < properties.maxSessions() && full.compareAndSet(true, false)) {
                log.info("Instance no longer full: accepting new sessions again");
            }
        }
    }

    @PreDestroy
    void stopExecutors() {
        timers.shutdownNow();
        delivery.shutdownNow();
        publishing.shutdownNow();
        closer.shutdown();
    }

    /** Every open session, for heartbeats and shutdown. */
    Collection<Subscriber> subscribers() {
        return subscribers.values();
    }

    public int sessionCount() {
        return subscribers.size();
    }

    /** Bytes waiting to be sent, over all sessions. */
    long queuedBytes() {
        long total = 0;
        for (Subscriber subscriber : subscribers.values()) {
            total += subscriber.outbound().queuedBytes();
        }
        return total;
    }

    /**
     * Closes every session with 1001 "restarting", so clients reconnect (elsewhere or later). Waits
     * a bounded time for the close frames to go out; a stuck client's connection is dropped instead.
     */
    public void closeAllForRestart() {
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (Subscriber subscriber : subscribers.values()) {
            if (subscriber.markClosing()) {
                closes.add(closer.close(subscriber.session(),
                        new CloseStatus(CloseCodes.GOING_AWAY, CloseCodes.REASON_RESTARTING)));
            }
        }
        try {
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new))
                    .get(RESTART_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.debug("Not every session confirmed its close: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Closed {} session(s) with {} \"{}\"", closes.size(), CloseCodes.GOING_AWAY, CloseCodes.REASON_RESTARTING);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
