package dev.reconnect.client.scheduling;

/** A handle on a scheduled task. Cancelling twice, or after the task ran, does nothing. */
@FunctionalInterface
public interface Cancellable {
    Cancellable NONE = () -> { };

    void cancel();
}
