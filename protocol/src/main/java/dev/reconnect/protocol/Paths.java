package dev.reconnect.protocol;

/** The HTTP and WebSocket paths clients use on the gateway. */
public final class Paths {
    public static final String WEBSOCKET = "/ws";
    public static final String READINESS = "/readiness";
    public static final String MESSAGES = "/api/messages";

    private Paths() {}
}
