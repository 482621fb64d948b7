package dev.reconnect.client;

import java.util.List;
import java.util.function.Consumer;

/** Hands every event to each listener in turn; one that throws is logged and does not stop the others. */
final class CompositeListener implements ClientListener {
    private static final System.Logger LOG = System.getLogger(ReconnectingClient.class.getName());
    private final List<ClientListener> listeners;

    CompositeListener(List<ClientListener> listeners) {
        this.listeners = listeners;
    }

    private void each(Consumer<ClientListener> call) {
        for (ClientListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a client listener threw; ignored", e);
            }
        }
    }

    @Override
    public void onStateChange(StateChange change) {
        each(l -> l.onStateChange(change));
    }

    @Override
    public void onMessage(ReceivedMessage message) {
        each(l -> l.onMessage(message));
    }

    @Override
    public void onReconnect(ReconnectEvent event) {
        each(l -> l.onReconnect(event));
    }

    @Override
    public void onProblem(ClientProblem problem) {
        each(l -> l.onProblem(problem));
    }

    @Override
    public void onReadinessCheck(ReadinessCheck check) {
        each(l -> l.onReadinessCheck(check));
    }
}
