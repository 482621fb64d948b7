package dev.reconnect.devkit.bench;

import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.ProtocolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket to {@code /ws} on the JDK's {@link java.net.http.WebSocket}, speaking the project's protocol
 * as the client does: on open a {@link Frame.Hello} with the last seq seen, then a {@link Frame.Welcome}, then
 * messages and pings. No reconnecting: what to do when it ends is the owner's business.
 */
final class ProtocolSocket implements WebSocket.Listener {
    /** Called on the JDK's threads, one call at a time per socket. */
    interface Handler {
        void welcome(Frame.Welcome welcome);

        /** @param receivedAtMicros when the frame was read, epoch microseconds */
        default void message(Frame.Message message, long receivedAtMicros) {}

        /** Once, when the socket could not be opened, or ended, or no Welcome came in time; never after {@link #close}. */
        void ended(String why);
    }

    private final Handler handler;
    private final long lastSeq;
    private final StringBuilder partial = new StringBuilder();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final CompletableFuture<Void> welcomed = new CompletableFuture<>();
    private volatile WebSocket socket;

    private ProtocolSocket(long lastSeq, Handler handler) {
        this.lastSeq = lastSeq;
        this.handler = handler;
    }

    /** Starts opening a socket to {@code uri}; it must be open and welcomed within {@code timeout}. */
    static ProtocolSocket open(HttpClient http, URI uri, long lastSeq, Duration timeout, Handler handler) {
        ProtocolSocket connection = new ProtocolSocket(lastSeq, handler);
        connection.welcomed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, error) -> {
            if (error != null) {
                connection.end("no welcome within " + timeout.toMillis() + " ms");
            }
        });
        try {
            http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, connection).whenComplete((ws, error) -> {
                if (error != null) {
                    connection.end("could not open: " + rootMessage(error));
                }
            });
        } catch (RuntimeException e) {
            connection.end("could not open: " + rootMessage(e));
        }
        return connection;
    }

    /** Closes it from our side (1000); the handler hears nothing more. */
    void close() {
        if (finished.compareAndSet(false, true)) {
            welcomed.cancel(false);
            WebSocket current = socket;
            if (current != null) {
                current.sendClose(WebSocket.NORMAL_CLOSURE, "done").whenComplete((ok, error) -> current.abort());
            }
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        if (finished.get()) {
            webSocket.abort();
            return;
        }
        webSocket.sendText(FrameCodec.encode(new Frame.Hello(lastSeq)), true);
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        long receivedAt = nowMicros();
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            if (!finished.get()) {
                deliver(text, receivedAt);
            }
        }
        webSocket.request(1);
        return null;
    }

    private void deliver(String text, long receivedAt) {
        Frame frame;
        try {
            frame = FrameCodec.decode(text);
        } catch (ProtocolException e) {
            return; // not a frame the bench reads; the server's heartbeat goes on regardless
        }
        if (frame instanceof Frame.Welcome welcome) {
            welcomed.complete(null);
            handler.welcome(welcome);
        } else if (frame instanceof Frame.Message message) {
            handler.message(message, receivedAt);
        }
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        end("closed " + statusCode + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")"));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end("failed: " + rootMessage(error));
    }

    private void end(String why) {
        if (finished.compareAndSet(false, true)) {
            WebSocket current = socket;
            if (current != null) {
                current.abort();
            }
            handler.ended(why);
        }
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
