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
import dev.reconnect.ws.log.LogRejectedException;
import dev.reconnect.ws.log.LogUnavailableException;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The {@code /ws} endpoint: a hello with the last seq seen, then the log from there on, pings, and
 * publishes forwarded to the log. A bad frame gets an error frame and the session stays open.
 */
@Component
public class StreamHandler extends TextWebSocketHandler {
    private static final Logger log = LoggerFactory.getLogger(StreamHandler.class);
    private static final int SEND_TIME_LIMIT_MS = 10_000;
    private static final int SEND_BUFFER_LIMIT_BYTES = 8 * 1024 * 1024;

    private final LogFollower follower;
    private final LogClient logClient;
    private final WsProperties properties;
    private final String instanceId;
    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final ExecutorService delivery = Executors.newFixedThreadPool(4, named("delivery"));
    private final ExecutorService publishing = Executors.newFixedThreadPool(4, named("publish"));

    public StreamHandler(LogFollower follower, LogClient logClient, WsProperties properties,
                         @Value("${spring.cloud.consul.discovery.instance-id:ws-service}") String instanceId) {
        this.follower = follower;
        this.logClient = logClient;
        this.properties = properties;
        this.instanceId = instanceId;
        follower.onHeadMoved(() -> subscribers.values().forEach(Subscriber::wake));
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        session.setTextMessageSizeLimit(Limits.MAX_FRAME_BYTES);
        WebSocketSession concurrent = new ConcurrentWebSocketSessionDecorator(
                session, SEND_TIME_LIMIT_MS, SEND_BUFFER_LIMIT_BYTES,
                ConcurrentWebSocketSessionDecorator.OverflowStrategy.TERMINATE);
        subscribers.put(session.getId(), new Subscriber(concurrent, follower, logClient, delivery));
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        Subscriber subscriber = subscribers.get(session.getId());
        if (subscriber == null) {
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
            subscriber.enqueuePublish(() -> publish(subscriber, publish), publishing);
        } else {
            subscriber.send(new Frame.Error(ErrorCodes.UNEXPECTED,
                    "a client may send \"hello\" and \"publish\" frames, not \"" + frame.type() + "\"", null));
        }
    }

    private void hello(Subscriber subscriber, Frame.Hello hello) {
        if (subscriber.started()) {
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
            subscriber.send(new Frame.Error(e.keyConflict() ? ErrorCodes.KEY_CONFLICT : ErrorCodes.BAD_VALUE,
                    e.getMessage(), publish.key()));
        } catch (LogUnavailableException e) {
            subscriber.send(new Frame.Error(ErrorCodes.LOG_UNAVAILABLE,
                    "not stored: " + e.getMessage() + "; send it again later", publish.key()));
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        log.debug("Transport error on session {}: {}", session.getId(), exception.getMessage());
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        subscribers.remove(session.getId());
    }

    @PreDestroy
    void stopExecutors() {
        delivery.shutdownNow();
        publishing.shutdownNow();
    }

    /** Every open session, for heartbeats and shutdown. */
    Collection<Subscriber> subscribers() {
        return subscribers.values();
    }

    public int sessionCount() {
        return subscribers.size();
    }

    /** Closes every session with 1001 "restarting", so clients reconnect (elsewhere or later). */
    public void closeAllForRestart() {
        int count = subscribers.size();
        for (Subscriber subscriber : subscribers.values()) {
            try {
                subscriber.session().close(new CloseStatus(CloseCodes.GOING_AWAY, CloseCodes.REASON_RESTARTING));
            } catch (IOException | RuntimeException e) {
                log.debug("Closing session {} failed: {}", subscriber.session().getId(), e.getMessage());
            }
        }
        log.info("Closed {} session(s) with {} \"{}\"", count, CloseCodes.GOING_AWAY, CloseCodes.REASON_RESTARTING);
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
