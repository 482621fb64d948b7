package dev.reconnect.client.testing;

import dev.reconnect.client.ClientListener;
import dev.reconnect.client.ClientProblem;
import dev.reconnect.client.ReadinessCheck;
import dev.reconnect.client.ReceivedMessage;
import dev.reconnect.client.ReconnectEvent;
import dev.reconnect.client.StateChange;
import java.util.ArrayList;
import java.util.List;

/** Keeps every event a client tells its listener, one list per kind, in the order told. */
public class RecordingListener implements ClientListener {
    public final List<StateChange> states = new ArrayList<>();
    public final List<ReceivedMessage> messages = new ArrayList<>();
    public final List<ReconnectEvent> reconnects = new ArrayList<>();
    public final List<ClientProblem> problems = new ArrayList<>();
    public final List<ReadinessCheck> checks = new ArrayList<>();

    @Override public void onStateChange(StateChange change) { states.add(change); }

    @Override public void onMessage(ReceivedMessage message) { messages.add(message); }

    @Override public void onReconnect(ReconnectEvent event) { reconnects.add(event); }

    @Override public void onProblem(ClientProblem problem) { problems.add(problem); }

    @Override public void onReadinessCheck(ReadinessCheck check) { checks.add(check); }
}
