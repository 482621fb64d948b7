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

    private Limits() {}
}
