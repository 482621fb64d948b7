package dev.reconnect.client.readiness;

import java.util.Locale;

/** How a readiness check ended; {@link #tag()} is the {@code outcome} tag of {@code client.readiness.requests}. */
public enum ReadinessOutcome {
    /** 200 with a readiness body saying ready. */
    READY,
    /** A readiness body saying not ready (normally 503). */
    NOT_READY,
    /**
     * 429: the gateway has as many readiness requests as it takes and asks to be asked again after
     * {@code Retry-After}. Says nothing about the service: neither "not ready" nor a failure.
     */
    THROTTLED,
    /** An HTTP status that is neither 200, 429 nor 503 (e.g. 500, 404, 502). */
    HTTP_ERROR,
    /** 200 or 503 whose body is not a readiness document (HTML, truncated JSON, …). */
    GARBAGE,
    /** No HTTP answer at all: refused, timed out, reset. */
    UNREACHABLE;

    /** The constant's name in lower case: one spelling rule, not a second hand-kept name. */
    private final String tag = name().toLowerCase(Locale.ROOT);

    public String tag() {
        return tag;
    }
}
