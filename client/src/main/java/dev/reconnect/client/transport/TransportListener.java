package dev.reconnect.client.transport;

/** What a {@link WebSocketTransport} reports about one connection. */
public interface TransportListener {

    /** The upgrade succeeded (101). */
    void onOpen();

    /** A whole text frame arrived. */
    void onText(String text);

    /** Something other than text arrived (ping, pong, binary): proof the link is alive. */
    void onActivity();

    /** The server closed the connection (or the connection ended; 1006 when there was no close frame). */
    void onClosed(int code, String reason);

    /** Connecting failed, or the open connection broke. */
    void onFailure(Throwable error);
}
