package dev.reconnect.ws.lifecycle;

import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.ProtocolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opens WebSocket sessions against this instance's own endpoint, as a real client would: handshake,
 * hello, welcome, the newest part of the log as a backlog, then a normal close. One session first, on
 * the coldest path, then the rest at once, so that concurrent delivery is exercised too.
 *
 * <p>Each handshake carries {@link #HEADER} with a secret drawn per process, so that the instance can
 * tell its own warm-up from a client (and leave it out of the request meters) without letting any
 * client hide behind the header.
 */
final class LoopbackWarmUp {
    static final String HEADER = "X-Ws-Warm-Up";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final String token = UUID.randomUUID().toString();

    /** True for the value of {@link #HEADER} that this process's own warm-up sends. */
    boolean isOwnHandshake(String headerValue) {
        return headerValue != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                headerValue.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Runs {@code sessions} sessions against {@code endpoint}, each reading the log from {@code backlog}
     * messages before {@code head} (nothing when the head is unknown, -1). Never fails: the result says
     * how many completed, and a session still open after {@code timeout} is aborted.
     */
    CompletableFuture<WarmUpResult> run(URI endpoint, long head, int sessions, int backlog, Duration timeout) {
        if (sessions == 0) {
            return CompletableFuture.completedFuture(WarmUpResult.skipped("ws.warm-up.sessions is 0"));
        }
        long startedAt = System.nanoTime();
        long from = head > 0 ? Math.max(0, head - backlog) : 0;
        long upTo = Math.max(head, 0);
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
        List<WebSocket> open = new CopyOnWriteArrayList<>();
        AtomicInteger completed = new AtomicInteger();
        AtomicReference<String> problem = new AtomicReference<>();
        CompletableFuture<WarmUpResult> result = new CompletableFuture<>();

        CompletableFuture<Void> all = counted(session(http, endpoint, from, upTo, open), completed, problem)
                .thenCompose(first -> {
                    CompletableFuture<?>[] rest = new CompletableFuture<?>[sessions - 1];
                    for (int i = 0; i < rest.length; i++) {
                        rest[i] = counted(session(http, endpoint, from, upTo, open), completed, problem);
                    }
                    return CompletableFuture.allOf(rest);
                });
        all.whenComplete((done, error) -> result.complete(
                WarmUpResult.of(sessions, completed.get(), millisSince(startedAt), problem.get())));
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (result.complete(WarmUpResult.of(sessions, completed.get(), millisSince(startedAt),
                    "not done within ws.warm-up.timeout, " + timeout.toMillis() + " ms"))) {
                open.forEach(WebSocket::abort);
            }
        });
        return result;
    }

    private CompletableFuture<Void> session(HttpClient http, URI endpoint, long from, long upTo, List<WebSocket> open) {
        Session session = new Session(from, upTo);
        return http.newWebSocketBuilder().header(HEADER, token).connectTimeout(CONNECT_TIMEOUT)
                .buildAsync(endpoint, session)
                .thenCompose(socket -> {
                    open.add(socket);
                    return session.done;
                });
    }

    /** Counts a completed session, or keeps the first reason one did not complete; never fails. */
    private static CompletableFuture<Void> counted(CompletableFuture<Void> session, AtomicInteger completed,
                                                   AtomicReference<String> problem) {
        return session.handle((done, error) -> {
            if (error == null) {
                completed.incrementAndGet();
            } else {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                problem.compareAndSet(null, cause.getMessage() != null ? cause.getMessage() : cause.toString());
            }
            return null;
        });
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    /** One loopback session: hello from {@code from}, read until {@code upTo} (or the welcome's head), close. */
    private static final class Session implements WebSocket.Listener {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final long from;
        private final long upTo;
        private long target = -1;
        private boolean closing;

        Session(long from, long upTo) {
            this.from = from;
            this.upTo = upTo;
        }

        @Override
        public void onOpen(WebSocket socket) {
            socket.sendText(FrameCodec.encode(new Frame.Hello(from)), true);
            socket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String frame = text.toString();
                text.setLength(0);
                try {
                    handle(socket, FrameCodec.decode(frame));
                } catch (ProtocolException e) {
                    fail(socket, "the instance sent a frame the protocol does not allow: " + e.getMessage());
                }
            }
            socket.request(1);
            return null;
        }

        private void handle(WebSocket socket, Frame frame) {
            if (frame instanceof Frame.Welcome welcome) {
                // The log may have been replaced (a lower head) since the warm-up looked at it.
                target = Math.min(upTo, welcome.head());
                if (welcome.resumeFrom() >= target) {
                    close(socket);
                }
            } else if (frame instanceof Frame.Message message) {
                reached(socket, message.seq());
            } else if (frame instanceof Frame.Gap gap) {
                reached(socket, gap.to());
            } else if (frame instanceof Frame.Error error) {
                fail(socket, "the instance answered the warm-up with " + error.code() + ": " + error.message());
            }
        }

        private void reached(WebSocket socket, long seq) {
            if (target >= 0 && seq >= target) {
                close(socket);
            }
        }

        private void close(WebSocket socket) {
            if (!closing) {
                closing = true;
                socket.sendClose(CloseCodes.NORMAL, "warmed up");
            }
        }

        private void fail(WebSocket socket, String why) {
            done.completeExceptionally(new IllegalStateException(why));
            socket.abort();
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            if (closing) {
                done.complete(null);
            } else {
                done.completeExceptionally(new IllegalStateException("the instance closed a warm-up session with "
                        + statusCode + (reason.isEmpty() ? "" : " " + reason)));
            }
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            done.completeExceptionally(error);
        }
    }
}
