package dev.reconnect.devkit.launch;

/** A process could not be started or did not become ready; the message says why in plain words. */
public class LaunchException extends RuntimeException {
    public LaunchException(String message) {
        super(message);
    }

    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
