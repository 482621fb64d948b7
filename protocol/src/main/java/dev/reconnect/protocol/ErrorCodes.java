package dev.reconnect.protocol;

/** The {@code code} values of {@link Frame.Error}. */
public final class ErrorCodes {
    /** The frame was not JSON, or not an object with a known {@code type}. */
    public static final String BAD_FRAME = "bad_frame";
    /** A field was missing or had a value out of range (the message says which). */
    public static final String BAD_VALUE = "bad_value";
    /** The frame is valid but not allowed now (e.g. a second hello). */
    public static final String UNEXPECTED = "unexpected";
    /** The message log (api-service) cannot be reached; the publish was not stored. */
    public static final String LOG_UNAVAILABLE = "log_unavailable";
    /** The key was already used for a different body. */
    public static final String KEY_CONFLICT = "key_conflict";
    /**
     * The publish was sent to the log but no answer came back (a timeout, a broken connection): it
     * may or may not be stored. The client keeps it and sends it again with the same key; the log
     * stores a key once, so the retry either stores it or answers with the seq it already has.
     */
    public static final String OUTCOME_UNKNOWN = "outcome_unknown";
    /** The session has as many publishes in flight as the server allows: send it again after an ack. */
    public static final String BUSY = "busy";

    /** Publish errors after which the same publish, with the same key, should be sent again later. */
    public static boolean isRetryable(String code) {
        return LOG_UNAVAILABLE.equals(code) || OUTCOME_UNKNOWN.equals(code) || BUSY.equals(code);
    }

    private ErrorCodes() {}
}
