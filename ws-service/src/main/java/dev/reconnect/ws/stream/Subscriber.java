package dev.reconnect.ws.stream;

import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.Limits;
import dev.reconnect.ws.log.EncodedMessage;
import dev.reconnect.ws.log.LogClient;
import dev.reconnect.ws.log.LogFollower;
import dev.reconnect.ws.log.LogUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.WebSocketSession;

/**
 * One session's position in the log. Delivery is serialised per session (one drain at a time) and
 * always continues from {@code cursor}, so every message is sent once and in order: from memory when
 * it is recent, from api-service when it is older. A drain never waits for the client: it stops when
 * the session's outbound queue is above its high-water mark and is woken again when it has drained.
 */
final class Subscriber {
    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);
    private static final int BATCH = 500;
    private static final long RETRY_MILLIS = 500;

    private final WebSocketSession session;
    private final LogFollower follower;
    private final LogClient logClient;
    private final Executor executor;
    private final OversizedMessages oversized;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger publishesInFlight = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Set the moment a hello arrives, before the welcome is worked out (which may wait for the log). */
    private final AtomicBoolean helloReceived = new AtomicBoolean();
    private final long connectedAtNanos = System.nanoTime();
    private Outbound outbound;
    private CompletableFuture<Void> publishes = CompletableFuture.completedFuture(null);
    private volatile long cursor = -1;
    private volatile boolean logWarned;

    Subscriber(WebSocketSession session, LogFollower follower, LogClient logClient, Executor executor,
               OversizedMessages oversized) {
        this.session = session;
        this.follower = follower;
        this.logClient = logClient;
        this.executor = executor;
        this.oversized = oversized;
    }

    /** Set once, right after construction: the queue calls back into this subscriber when it drains. */
    void attach(Outbound outbound) {
        this.outbound = outbound;
    }

    WebSocketSession session() {
        return session;
    }

    Outbound outbound() {
        return outbound;
    }

    long connectedAtNanos() {
        return connectedAtNanos;
    }

    boolean started() {
        return cursor >= 0;
    }

    /** True for the first hello only: the hello timeout and a second hello both check this, not {@link #started()}. */
    boolean markHelloReceived() {
        return helloReceived.compareAndSet(false, true);
    }

    boolean helloReceived() {
        return helloReceived.get();
    }

    /** True the first time only: the caller that wins closes the session, later reasons are ignored. */
    boolean markClosing() {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        outbound.discard();
        return true;
    }

    boolean closing() {
        return closing.get();
    }

    /** After the hello: deliver everything after {@code lastSeq}. */
    void start(long lastSeq) {
        cursor = lastSeq;
        wake();
    }

    /** Something may be newer than the cursor, or the queue has room again: make sure a drain runs. */
    void wake() {
        if (cursor < 0 || closing.get() || !session.isOpen()) {
            return;
        }
        if (pending.getAndIncrement() == 0) {
            executor.execute(this::drain);
        }
    }

    /** Counts a publish in; false (and nothing counted) when {@code max} are already in flight. */
    boolean tryStartPublish(int max) {
        if (publishesInFlight.incrementAndGet() > max) {
            publishesInFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    void publishDone() {
        publishesInFlight.decrementAndGet();
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

    /** Queues a frame; never blocks. False when the session is closing or was just found too slow. */
    boolean send(Frame frame) {
        return outbound.offer(FrameCodec.encode(frame));
    }

    private void drain() {
        int seen = pending.get();
        while (true) {
            try {
                deliverUpToHead();
            } catch (RuntimeException e) {
                log.error("Delivery to session {} failed unexpectedly", session.getId(), e);
            }
            seen = pending.addAndGet(-seen);
            if (seen == 0) {
                return;
            }
        }
    }

    private void deliverUpToHead() {
        long head = follower.head();
        while (!closing.get() && session.isOpen() && cursor < head && !outbound.saturated()) {
            List<EncodedMessage> batch = follower.recent().from(cursor + 1, BATCH);
            if (batch.isEmpty()) {
                try {
                    long generation = follower.recent().generation();
                    // Sessions resuming after a restart mostly want the same backlog: once one has read
                    // a stretch, the others find it held, encoded.
                    batch = follower.recent().add(logClient.read(cursor, BATCH, Duration.ZERO).entries(), generation);
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
            for (EncodedMessage entry : batch) {
                if (closing.get()) {
                    return;
                }
                if (entry.seq() != cursor + 1) {
                    log.error("Log returned seq {} where {} was expected; holding delivery", entry.seq(), cursor + 1);
                    return;
                }
                if (entry.seq() > follower.head()) {
                    // The head went back while this batch was in hand: it may hold bodies of the old log.
                    return;
                }
                if (!deliver(entry)) {
                    return;
                }
                cursor = entry.seq();
                if (outbound.saturated()) {
                    return;
                }
            }
        }
    }

    private boolean deliver(EncodedMessage message) {
        if (message.frameBytes() > Limits.MAX_FRAME_BYTES) {
            oversized.replacedByGap(message.seq(), message.frameBytes());
            return send(new Frame.Gap(message.seq(), message.seq()));
        }
        return outbound.offer(message.frame(), message.frameBytes());
    }
}
