package dev.reconnect.ws.stream;

import dev.reconnect.protocol.FrameCodec;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * One session's outgoing frames: a queue bounded in bytes with at most one frame being written.
 * Frames are written with the container's asynchronous send and the next one is started from the
 * completion of the previous, so a client that stops reading holds no thread, only its own queue.
 *
 * <p>Producers that can wait (backlog delivery) look at {@link #saturated()} and stop above the
 * high-water mark; they are called back through {@code onDrained} once the queue is down to the
 * low-water mark. Frames that cannot wait (acks, errors, pings) are queued regardless, up to the limit.
 */
final class Outbound {
    /** What the session's owner does when the client is too slow, with a reason for the close frame. */
    interface SlowHandler {
        void tooSlow(String reason);
    }

    private record Pending(String text, int bytes) {}

    private final WebSocketSession session;
    private final jakarta.websocket.Session nativeSession;
    private final long limitBytes;
    private final long highWater;
    private final long lowWater;
    private final long timeoutNanos;
    private final SlowHandler slow;
    private final Runnable onDrained;
    private final AtomicInteger pumpRequests = new AtomicInteger();

    // Guarded by this.
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean inFlight;
    private long inFlightSince;
    private boolean closed;
    private boolean wakeOnDrain;

    Outbound(WebSocketSession session, long limitBytes, long timeoutMillis, SlowHandler slow, Runnable onDrained) {
        this.session = session;
        this.nativeSession = session instanceof NativeWebSocketSession n
                ? n.getNativeSession(jakarta.websocket.Session.class) : null;
        this.limitBytes = limitBytes;
        this.highWater = limitBytes / 2;
        this.lowWater = limitBytes / 4;
        this.timeoutNanos = timeoutMillis * 1_000_000;
        this.slow = slow;
        this.onDrained = onDrained;
    }

    /**
     * Queues one frame. False when the session is closing, or when this frame would take the queue
     * over its limit: the session is then reported too slow and nothing more is queued for it.
     */
    boolean offer(String text, int bytes) {
        String overflow = null;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (queuedBytes + bytes > limitBytes) {
                overflow = "did not read fast enough: more than " + limitBytes + " bytes waiting to be sent";
                discardLocked();
            } else {
                queue.add(new Pending(text, bytes));
                queuedBytes += bytes;
            }
        }
        if (overflow != null) {
            slow.tooSlow(overflow);
            return false;
        }
        pump();
        return true;
    }

    boolean offer(String text) {
        return offer(text, FrameCodec.utf8Length(text));
    }

    /**
     * True when a producer that can wait should stop for now; it is then woken through
     * {@code onDrained} once enough has been written (so no wake-up is lost between the check and
     * the pause).
     */
    synchronized boolean saturated() {
        if (closed) {
            return true;
        }
        if (queuedBytes >= highWater) {
            wakeOnDrain = true;
            return true;
        }
        return false;
    }

    /** Reports the session too slow when its current frame has been in flight longer than the timeout. */
    void checkTimeout(long nowNanos) {
        String reason = null;
        synchronized (this) {
            if (!closed && inFlight && nowNanos - inFlightSince > timeoutNanos) {
                reason = "did not read fast enough: a frame was not taken within " + timeoutNanos / 1_000_000 + " ms";
                discardLocked();
            }
        }
        if (reason != null) {
            slow.tooSlow(reason);
        }
    }

    /** Stops sending: what is queued is dropped (the session is closing, its client resumes by seq). */
    synchronized void discard() {
        discardLocked();
    }

    synchronized long queuedBytes() {
        return queuedBytes;
    }

    private void discardLocked() {
        closed = true;
        queue.clear();
        queuedBytes = 0;
        wakeOnDrain = false;
    }

    /**
     * Starts the next write when none is in flight. Re-entrant calls (a completion that runs on the
     * caller's thread) only count a request, which the running loop picks up: no recursion.
     */
    private void pump() {
        if (pumpRequests.getAndIncrement() != 0) {
            return;
        }
        do {
            Pending next;
            synchronized (this) {
                next = closed || inFlight ? null : queue.poll();
                if (next != null) {
                    inFlight = true;
                    inFlightSince = System.nanoTime();
                }
            }
            if (next != null) {
                write(next);
            }
        } while (pumpRequests.decrementAndGet() != 0);
    }

    private void write(Pending frame) {
        if (nativeSession == null) {
            // Sessions that are not JSR-356 (tests) are written directly.
            try {
                session.sendMessage(new TextMessage(frame.text()));
                completed(frame, null);
            } catch (IOException | RuntimeException e) {
                completed(frame, e);
            }
            return;
        }
        try {
            nativeSession.getAsyncRemote().sendText(frame.text(),
                    result -> completed(frame, result.isOK() ? null : result.getException()));
        } catch (RuntimeException e) {
            completed(frame, e);
        }
    }

    private void completed(Pending frame, Throwable error) {
        boolean wake = false;
        synchronized (this) {
            inFlight = false;
            if (error != null) {
                // The connection is broken; the container closes the session and tells the handler.
                discardLocked();
            } else if (!closed) {
                queuedBytes -= frame.bytes();
                if (wakeOnDrain && queuedBytes <= lowWater) {
                    wakeOnDrain = false;
                    wake = true;
                }
            }
        }
        if (wake) {
            onDrained.run();
        }
        pump();
    }
}
