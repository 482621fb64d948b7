package dev.reconnect.client.transport;

/** One socket, open or being opened. All methods return at once and may be called from any thread. */
public interface WebSocketConnection {

    /** Queues a text frame; frames go out in the order given. Failures are reported to the listener. */
    void send(String text);

    /** Starts the closing handshake with {@code code}; nothing more is reported to the listener after this. */
    void close(int code, String reason);

    /** Drops the connection at once, without a closing handshake (e.g. a link found dead). */
    void abort();
}
