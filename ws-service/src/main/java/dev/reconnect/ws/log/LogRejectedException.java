package dev.reconnect.ws.log;

/** The message log refused a publish (bad value, or a key reused with another body). */
public class LogRejectedException extends RuntimeException {
    private final boolean keyConflict;

    public LogRejectedException(boolean keyConflict, String message) {
        super(message);
        this.keyConflict = keyConflict;
    }

    public boolean keyConflict() {
        return keyConflict;
    }
}
