package dev.reconnect.protocol;

/** Sizes both sides agree on. */
public final class Limits {
    /**
     * Largest text frame, in UTF-8 bytes, either side sends: a server ends a session that sends a
     * larger one with 1009, and never sends one itself. Message bodies are limited by the frame that
     * carries them ({@link FrameCodec#requirePublishable}), since JSON escaping can make a frame six
     * times larger than its body.
     */
    public static final int MAX_FRAME_BYTES = 64 * 1024;
    /** Longest idempotency key. */
    public static final int MAX_KEY_CHARS = 128;
    /** What {@link #isValidKey} asks, as a publisher is told it over the socket and over REST alike. */
    public static final String KEY_RULE = "\"key\" must be 1 to " + MAX_KEY_CHARS + " characters";

    private Limits() {}

    /** An idempotency key both sides accept: not blank, at most {@link #MAX_KEY_CHARS} characters. */
    public static boolean isValidKey(String key) {
        return key != null && !key.isBlank() && key.length() <= MAX_KEY_CHARS;
    }
}
