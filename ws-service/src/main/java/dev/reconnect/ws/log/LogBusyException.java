package dev.reconnect.ws.log;

import java.time.Duration;

/** The message log answered 429 (too many requests held): it is there, ask again after {@link #retryAfter()}. */
public class LogBusyException extends LogUnavailableException {
    private final Duration retryAfter;

    public LogBusyException(String message, Duration retryAfter) {
        super(message, null);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
