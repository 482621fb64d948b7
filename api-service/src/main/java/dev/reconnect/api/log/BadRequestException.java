package dev.reconnect.api.log;

/** A request value that is out of range or malformed; the message says which and why. */
public class BadRequestException extends RuntimeException {
    public BadRequestException(String message) {
        super(message);
    }
}
