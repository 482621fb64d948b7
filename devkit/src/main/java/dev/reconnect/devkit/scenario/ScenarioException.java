package dev.reconnect.devkit.scenario;

/** A scenario could not go on; the message says what happened, in order. */
public class ScenarioException extends RuntimeException {
    public ScenarioException(String message) {
        super(message);
    }
}
