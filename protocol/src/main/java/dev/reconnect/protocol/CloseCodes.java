package dev.reconnect.protocol;

/**
 * WebSocket close codes the project uses, and what a client must do on each.
 *
 * <p>Spring Cloud Gateway 5 rewrites 1004-1006, 1012, 1013 and 1015 to 1002 when it proxies a close,
 * so "restarting" is said with 1001 and a reason, never with 1012, and every per-session reason the
 * server has for closing is a 4000-4099 code, which the gateway passes through unchanged.
 *
 * <p>Which closes say "this instance is gone" is the gateway's business: only a backend socket that
 * ended without a close frame while the instance stops answering, or 1001. The 4000-4099 codes below
 * concern one session and never take an instance out of routing.
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

    /**
     * 4000-4099: this session was closed for a reason of its own while the instance is fine; the
     * client reconnects (after readiness, with backoff) and resumes from the last seq it saw.
     */
    public static final int SESSION_FIRST = 4000;
    public static final int SESSION_LAST = 4099;
    /** The client did not read what was sent to it fast enough (a bounded send buffer filled up). */
    public static final int TOO_SLOW = 4000;
    /** No {@code hello} arrived within the server's hello timeout after the upgrade. */
    public static final int HELLO_TIMEOUT = 4001;
    /** The instance holds as many sessions as it is configured to: try again later. */
    public static final int INSTANCE_FULL = 4002;
    /**
     * The log's head went backwards (api-service lost acknowledged data or was replaced): the
     * instance dropped what it had cached; reconnect and resume so that the position is checked anew.
     */
    public static final int RESYNC = 4003;
    /**
     * Sent by the gateway: more clients are upgrading at once than the instances registered they can take
     * (their {@code connects-per-second}, with headroom); this one is asked to wait and try again. Not a
     * failure of the instance, and not a failed upgrade for a client's circuit breaker.
     */
    public static final int BUSY = 4004;

    /** 4400-4499: the server refuses this client for good; reconnecting will not help. */
    public static final int TERMINAL_FIRST = 4400;
    public static final int TERMINAL_LAST = 4499;

    /** The reason text that goes with {@link #GOING_AWAY} on a graceful shutdown. */
    public static final String REASON_RESTARTING = "restarting";

    /** True when a client that did not close the socket itself should stop instead of reconnecting. */
    public static boolean isTerminal(int code) {
        return code == POLICY_VIOLATION || (code >= TERMINAL_FIRST && code <= TERMINAL_LAST);
    }

    /** True for the per-session closes of the 4000-4099 range (reconnect and resume). */
    public static boolean isSessionClose(int code) {
        return code >= SESSION_FIRST && code <= SESSION_LAST;
    }

    private CloseCodes() {}
}
