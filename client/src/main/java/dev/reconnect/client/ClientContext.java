package dev.reconnect.client;

import dev.reconnect.client.metrics.ClientMetrics;
import dev.reconnect.client.publish.Outbox;
import dev.reconnect.client.scheduling.Scheduler;
import dev.reconnect.client.stream.SequenceTracker;
import dev.reconnect.client.transport.WebSocketTransport;
import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * What the parts of one client share: its name and settings, its loop and clock, the stream
 * position and the outbox (which outlive every socket), its meters and its listener. Made once
 * per client by {@link ReconnectingClient.Builder}.
 */
public record ClientContext(String name, ClientConfig config, Scheduler loop, Clock clock, RandomGenerator random,
                             WebSocketTransport sockets, SequenceTracker sequence, Outbox outbox,
                             ClientMetrics metrics, ClientListener listener) {

    /** Tells the listener; {@code from..to} is the range of seqs concerned (0..0 when none). */
    public void problem(ClientProblem.Kind kind, String message, long from, long to) {
        listener.onProblem(new ClientProblem(name, kind, message, from, to, clock.instant()));
    }
}
