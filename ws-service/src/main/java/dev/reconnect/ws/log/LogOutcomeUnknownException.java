package dev.reconnect.ws.log;

/**
 * A publish reached the message log (or may have) but no answer came back: it may or may not be
 * stored. Sending it again with the same key is safe, the log stores a key once.
 */
public class LogOutcomeUnknownException extends RuntimeException {
    public LogOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
