package dev.reconnect.protocol;

/**
 * WebSocket close codes the project uses, and what a client must do on each.
 *
 * <p>Spring Cloud Gateway 5 rewrites 1004-1006, 1012, 1013 and 1015 to 1002 when it proxies a close,
 * so "restarting" is said with 1001 and a reason, never with 1012.
 */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    /** The server is going away (graceful shutdown or restart): reconnect after readiness. */
    public static final int GOING_AWAY = 1001;
    /** What the gateway turns an abrupt or rewritten backend close into. */
    public static final int PROTOCOL_ERROR = 1002;
    /** The client broke the rules in a way that a reconnect would not cure. */
    public static final int POLICY_VIOLATION = 1008;
    /** A frame was larger than {@link Limits#MAX_FRAME_BYTES}. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** Local only (never sent): the connection ended without a close frame. */
    public static final int ABNORMAL = 1006;

    /** 4400-4499: the server refuses this client for good; reconnecting will not help. */
    public static final int TERMINAL_FIRST = 4400;
    public static final int TERMINAL_LAST = 4499;

    /** The reason text that goes with {@link #GOING_AWAY} on a graceful shutdown. */
    public static final String REASON_RESTARTING = "restarting";

    /** True when a client that did not close the socket itself should stop instead of reconnecting. */
    public static boolean isTerminal(int code) {
        return code == POLICY_VIOLATION || (code >= TERMINAL_FIRST && code <= TERMINAL_LAST);
    }

    private CloseCodes() {}
}
