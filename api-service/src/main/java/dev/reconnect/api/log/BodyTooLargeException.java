package dev.reconnect.api.log;

/** A publish whose body would not fit the frames that carry it; the message gives the size and the limit. */
public class BodyTooLargeException extends RuntimeException {
    public BodyTooLargeException(String message) {
        super(message);
    }
}
