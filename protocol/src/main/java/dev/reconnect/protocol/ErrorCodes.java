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

    private ErrorCodes() {}
}
