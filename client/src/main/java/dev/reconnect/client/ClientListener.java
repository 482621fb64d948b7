package dev.reconnect.client;

/**
 * Receives a client's events, on the client's event loop, in order. Keep the work short (or hand it
 * off): the loop waits for it. An exception thrown here is logged and otherwise ignored.
 */
public interface ClientListener {

    default void onStateChange(StateChange change) {}

    default void onMessage(ReceivedMessage message) {}

    default void onReconnect(ReconnectEvent event) {}

    /** Gaps, lost messages, malformed frames, failed upgrades, heartbeat timeouts, server errors. */
    default void onProblem(ClientProblem problem) {}

    default void onReadinessCheck(ReadinessCheck check) {}
}
