package dev.reconnect.ws.stream;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.WebSocketSession;

/**
 * Closes sessions off every thread that delivers or receives. Sending a close frame blocks until
 * the frame in flight is written, which on a client that stopped reading never happens; here it
 * waits at most {@code wait}, then the container drops the connection without a close frame.
 */
final class SessionCloser {
    private static final Logger log = LoggerFactory.getLogger(SessionCloser.class);
    /** Tomcat's per-session limit on a blocking send: a close frame with code 1000 waits this long. */
    private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    /**
     * Tomcat's limit for a close frame with any other code (default 50 ms): too short for a client
     * that is merely behind to still receive its 4000, since the frame waits behind unread data.
     */
    private static final String TOMCAT_ABNORMAL_CLOSE_SEND_TIMEOUT = "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";

    private final ThreadPoolExecutor executor;
    private final long waitMillis;

    SessionCloser(int threads, Duration wait) {
        AtomicInteger counter = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "session-close-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.executor.allowCoreThreadTimeOut(true);
        this.waitMillis = wait.toMillis();
    }

    CompletableFuture<Void> close(WebSocketSession session, CloseStatus status) {
        try {
            return CompletableFuture.runAsync(() -> closeNow(session, status), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private void closeNow(WebSocketSession session, CloseStatus status) {
        try {
            if (session instanceof NativeWebSocketSession n) {
                jakarta.websocket.Session nativeSession = n.getNativeSession(jakarta.websocket.Session.class);
                if (nativeSession != null) {
                    nativeSession.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, waitMillis);
                    nativeSession.getUserProperties().put(TOMCAT_ABNORMAL_CLOSE_SEND_TIMEOUT, waitMillis);
                }
            }
            session.close(status);
        } catch (Exception e) {
            log.debug("Closing session {} with {} failed: {}", session.getId(), status.getCode(), e.getMessage());
        }
    }

    void shutdown() {
        executor.shutdownNow();
    }
}
