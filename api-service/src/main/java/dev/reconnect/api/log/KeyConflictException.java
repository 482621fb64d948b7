package dev.reconnect.api.log;

/** An idempotency key that is already stored with a different body. */
public class KeyConflictException extends RuntimeException {
    public KeyConflictException(String key, long seq) {
        super("key \"" + key + "\" is already stored as message " + seq + " with a different body");
    }
}
