package dev.reconnect.devkit.bench;

/** A measurement could not be made (clients that never came back, a service that did not answer); the message says which. */
public class BenchException extends RuntimeException {
    public BenchException(String message) {
        super(message);
    }
}
