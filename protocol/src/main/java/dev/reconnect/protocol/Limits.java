package dev.reconnect.protocol;

/** Sizes both sides agree on. */
public final class Limits {
    /** Largest text frame a server accepts; larger ones end the session with 1009. */
    public static final int MAX_FRAME_BYTES = 64 * 1024;
    /** Largest message body that can be published. */
    public static final int MAX_BODY_CHARS = 16 * 1024;
    /** Longest idempotency key. */
    public static final int MAX_KEY_CHARS = 128;

    private Limits() {}
}
