package dev.reconnect.ws.log;

/** The message log cannot be reached or answered nonsense; nothing was stored or read. */
public class LogUnavailableException extends RuntimeException {
    public LogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
