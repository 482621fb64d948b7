package dev.reconnect.consul.emulator;

/** The emulator could not start; the message is one line fit to show a person ("port 8500 is already in use"). */
public final class EmulatorStartException extends RuntimeException {

    public EmulatorStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
