package dev.reconnect.protocol;

/** The HTTP and WebSocket paths clients use on the gateway. */
public final class Paths {
    public static final String WEBSOCKET = "/ws";
    public static final String READINESS = "/readiness";
    /** The gateway's own record of readiness changes (index, ready, time), oldest first. */
    public static final String READINESS_CHANGES = "/readiness/changes";
    public static final String MESSAGES = "/api/messages";
    /** api-service's info: its instance and the log's head. */
    public static final String INFO = "/api/info";

    private Paths() {}
}
