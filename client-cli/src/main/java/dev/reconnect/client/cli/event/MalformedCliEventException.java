package dev.reconnect.client.cli.event;

/** A line that is no {@link CliEvent}; its message says what is wrong and quotes the line. */
public final class MalformedCliEventException extends IllegalArgumentException {
    public MalformedCliEventException(String message) {
        super(message);
    }
}
