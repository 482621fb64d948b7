package dev.reconnect.ws.stream;

import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.log.LogEntry;
import dev.reconnect.ws.log.LogClient;
import dev.reconnect.ws.log.LogFollower;
import dev.reconnect.ws.log.LogUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * One session's position in the log. Delivery is serialised per session (one drain at a time) and
 * always continues from {@code cursor}, so every message is sent once and in order: from memory when
 * it is recent, from api-service when it is older.
 */
final class Subscriber {
    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);
    private static final int BATCH = 500;
    private static final long RETRY_MILLIS = 500;

    private final WebSocketSession session;
    private final LogFollower follower;
    private final LogClient logClient;
    private final Executor executor;
    private final AtomicInteger pending = new AtomicInteger();
    private CompletableFuture<Void> publishes = CompletableFuture.completedFuture(null);
    private volatile long cursor = -1;
    private volatile boolean logWarned;

    Subscriber(WebSocketSession session, LogFollower follower, LogClient logClient, Executor executor) {
        this.session = session;
        this.follower = follower;
        this.logClient = logClient;
        this.executor = executor;
    }

    WebSocketSession session() {
        return session;
    }

    boolean started() {
        return cursor >= 0;
    }

    /** After the hello: deliver everything after {@code lastSeq}. */
    void start(long lastSeq) {
        cursor = lastSeq;
        wake();
    }

    /** Something may be newer than the cursor: make sure a drain runs. */
    void wake() {
        if (cursor < 0 || !session.isOpen()) {
            return;
        }
        if (pending.getAndIncrement() == 0) {
            executor.execute(this::drain);
        }
    }

    /**
     * Runs {@code publish} after this session's earlier publishes, on {@code executor}: a client's
     * messages are stored in the order it sent them.
     */
    synchronized void enqueuePublish(Runnable publish, Executor executor) {
        publishes = publishes.thenRunAsync(publish, executor).exceptionally(error -> {
            log.error("Publish on session {} failed unexpectedly", session.getId(), error);
            return null;
        });
    }

    void send(Frame frame) {
        try {
            session.sendMessage(new TextMessage(FrameCodec.encode(frame)));
        } catch (IOException | RuntimeException e) {
            log.debug("Send to session {} failed: {}", session.getId(), e.getMessage());
        }
    }

    private void drain() {
        int seen = pending.get();
        while (true) {
            deliverUpToHead();
            seen = pending.addAndGet(-seen);
            if (seen == 0) {
                return;
            }
        }
    }

    private void deliverUpToHead() {
        long head = follower.head();
        while (session.isOpen() && cursor < head) {
            List<LogEntry> batch = follower.recent().from(cursor + 1, BATCH);
            if (batch.isEmpty()) {
                try {
                    batch = logClient.read(cursor, BATCH, Duration.ZERO).entries();
                    // Sessions resuming after a restart mostly want the same backlog: read it once.
                    follower.recent().add(batch);
                    logWarned = false;
                } catch (LogUnavailableException e) {
                    if (!logWarned) {
                        logWarned = true;
                        log.warn("Session {} waits for older messages: {}", session.getId(), e.getMessage());
                    }
                    // The follower wakes sessions only when something new arrives; on a quiet log
                    // this session would wait a whole long-poll, so it asks again by itself.
                    CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS, executor).execute(this::wake);
                    return;
                }
                if (batch.isEmpty()) {
                    return;
                }
            }
            for (LogEntry entry : batch) {
                if (entry.seq() != cursor + 1) {
                    log.error("Log returned seq {} where {} was expected; holding delivery", entry.seq(), cursor + 1);
                    return;
                }
                send(new Frame.Message(entry.seq(), entry.body(), entry.publishedAt()));
                cursor = entry.seq();
            }
        }
    }
}
