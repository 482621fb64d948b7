package dev.reconnect.client.metrics;

/** The client's Micrometer meter names. They are part of the public contract: do not rename. */
public final class MetricNames {
    public static final String PREFIX = "client.";
    public static final String TAG_CLIENT = "client";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_CAUSE = "cause";

    /** Counter: connections re-established after a loss. */
    public static final String RECONNECTS = PREFIX + "reconnects";
    /** Timer: from losing the connection to the next Welcome. */
    public static final String DOWNTIME = PREFIX + "downtime";
    /** Counter, tag {@code outcome} = ready | not_ready | http_error | garbage | unreachable. */
    public static final String READINESS_REQUESTS = PREFIX + "readiness.requests";
    /** Counter: sockets opened (or tried). */
    public static final String CONNECT_ATTEMPTS = PREFIX + "connect.attempts";
    /** Counter, tag {@code cause} = refused | handshake | closed_before_welcome | timeout | io. */
    public static final String CONNECT_FAILURES = PREFIX + "connect.failures";
    /** Counter: connect attempts that failed although readiness said ready. */
    public static final String FAILED_UPGRADES = PREFIX + "failed.upgrades";
    public static final String MESSAGES_RECEIVED = PREFIX + "messages.received";
    public static final String MESSAGES_DUPLICATE = PREFIX + "messages.duplicates";
    public static final String MESSAGES_LOST = PREFIX + "messages.lost";
    /** Counter: frames that could not be decoded. */
    public static final String FRAMES_MALFORMED = PREFIX + "frames.malformed";
    /** Counter: valid frames that make no sense from a server or at that moment. */
    public static final String FRAMES_UNEXPECTED = PREFIX + "frames.unexpected";
    public static final String HEARTBEAT_TIMEOUTS = PREFIX + "heartbeat.timeouts";
    /** Gauge: publishes held (not yet acknowledged). */
    public static final String SEND_BUFFERED = PREFIX + "send.buffered";
    /** Counter, tag {@code outcome} = acked | rejected | overflow. */
    public static final String SEND_RESULTS = PREFIX + "send.results";
    /** Counter, tag {@code to} = the state entered. */
    public static final String STATE_TRANSITIONS = PREFIX + "state.transitions";

    private MetricNames() {}
}
