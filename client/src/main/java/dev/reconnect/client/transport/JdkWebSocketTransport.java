package dev.reconnect.client.transport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** {@link WebSocketTransport} on the JDK's {@link java.net.http.WebSocket}. */
public final class JdkWebSocketTransport implements WebSocketTransport {
    private static final System.Logger LOG = System.getLogger(JdkWebSocketTransport.class.getName());
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final HttpClient http;

    public JdkWebSocketTransport(HttpClient http) {
        this.http = http;
    }

    @Override
    public WebSocketConnection connect(URI uri, Duration connectTimeout, TransportListener listener) {
        JdkConnection connection = new JdkConnection(listener);
        try {
            http.newWebSocketBuilder()
                    .connectTimeout(connectTimeout)
                    .buildAsync(uri, connection)
                    .whenComplete((socket, error) -> {
                        if (error != null) {
                            connection.connectFailed(error);
                        }
                    });
        } catch (RuntimeException e) {
            connection.connectFailed(e);
        }
        return connection;
    }

    private static final class JdkConnection implements WebSocketConnection, WebSocket.Listener {
        private final TransportListener listener;
        private final StringBuilder partial = new StringBuilder();
        private final Object sendLock = new Object();
        private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
        private volatile WebSocket socket;
        private volatile boolean finished; // closed or aborted by us: report nothing more

        JdkConnection(TransportListener listener) {
            this.listener = listener;
        }

        void connectFailed(Throwable error) {
            if (finished) {
                return;
            }
            Throwable cause = ConnectFailure.unwrap(error);
            if (cause instanceof WebSocketHandshakeException handshake) {
                int status = handshake.getResponse() == null ? -1 : handshake.getResponse().statusCode();
                cause = new HandshakeRejectedException(status);
            }
            listener.onFailure(cause);
        }

        // ---- WebSocket.Listener (JDK threads) ----

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            if (finished) {
                webSocket.abort();
                return;
            }
            listener.onOpen();
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (!finished) {
                    listener.onText(text);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (!finished) {
                listener.onActivity();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            if (!finished) {
                listener.onActivity(); // the JDK answers with a pong by itself
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            if (!finished) {
                listener.onActivity();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!finished) {
                finished = true;
                listener.onClosed(statusCode, reason == null ? "" : reason);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (!finished) {
                finished = true;
                listener.onFailure(error);
            }
        }

        // ---- WebSocketConnection ----

        @Override
        public void send(String text) {
            WebSocket current = socket;
            if (current == null || finished) {
                return;
            }
            synchronized (sendLock) {
                // The JDK allows one outstanding send at a time: chain them.
                sendChain = sendChain.handle((ok, previousError) -> null)
                        .thenCompose(ignored -> current.sendText(text, true))
                        .whenComplete((ok, error) -> {
                            if (error != null && !finished) {
                                finished = true;
                                current.abort();
                                listener.onFailure(error);
                            }
                        });
            }
        }

        @Override
        public void close(int code, String reason) {
            finished = true;
            WebSocket current = socket;
            if (current == null) {
                return; // onOpen will abort it if it still succeeds
            }
            try {
                current.sendClose(code, reason)
                        .orTimeout(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                        .whenComplete((ok, error) -> CompletableFuture.delayedExecutor(
                                CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS).execute(current::abort));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "close failed; aborting", e);
                current.abort();
            }
        }

        @Override
        public void abort() {
            finished = true;
            WebSocket current = socket;
            if (current != null) {
                current.abort();
            }
        }
    }
}
