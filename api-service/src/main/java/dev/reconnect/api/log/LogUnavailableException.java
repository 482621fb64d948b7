package dev.reconnect.api.log;

/** The log could not store a publish (storage failure, or shutting down): nothing was acknowledged, retry. */
public class LogUnavailableException extends RuntimeException {
    public LogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
