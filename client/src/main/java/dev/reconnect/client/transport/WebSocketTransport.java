package dev.reconnect.client.transport;

import java.net.URI;
import java.time.Duration;

/**
 * Opens WebSockets. The state machine only talks to this interface, so that it can be tested with a
 * fake; {@link JdkWebSocketTransport} is the real one.
 */
public interface WebSocketTransport {

    /**
     * Starts opening a socket and returns at once. Events are reported to {@code listener}, in the
     * order they happen, from any thread: {@link TransportListener#onOpen()} once the upgrade
     * succeeded, or {@link TransportListener#onFailure(Throwable)} if it did not.
     */
    WebSocketConnection connect(URI uri, Duration connectTimeout, TransportListener listener);
}
