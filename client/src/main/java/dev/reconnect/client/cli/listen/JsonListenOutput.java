package dev.reconnect.client.cli.listen;

import dev.reconnect.client.ClientProblem;
import dev.reconnect.client.ClientState;
import dev.reconnect.client.ReadinessCheck;
import dev.reconnect.client.ReceivedMessage;
import dev.reconnect.client.ReconnectEvent;
import dev.reconnect.client.StateChange;
import dev.reconnect.protocol.Json;
import java.io.PrintStream;
import java.util.function.LongSupplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * One JSON object per line, each with {@code t} (epoch ms) and {@code event}. The shapes of
 * {@code state}, {@code message}, {@code reconnected} and {@code stats} are consumed by scripts and
 * tests: change them only additively. A {@code state} event to {@code CONNECTING} carries
 * {@code readinessIndex}: the index of the readiness answer that allowed the connect (-1: none).
 */
public final class JsonListenOutput implements ListenOutput {
    private final PrintStream out;
    private final boolean messages;
    private final LongSupplier now;

    public JsonListenOutput(PrintStream out, boolean messages, LongSupplier now) {
        this.out = out;
        this.messages = messages;
        this.now = now;
    }

    private ObjectNode event(String type) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("t", now.getAsLong());
        node.put("event", type);
        return node;
    }

    private void print(ObjectNode node) {
        String line = Json.MAPPER.writeValueAsString(node);
        synchronized (out) {
            out.println(line);
        }
    }

    @Override
    public void onStateChange(StateChange change) {
        ObjectNode node = event("state");
        node.put("client", change.client());
        node.put("from", change.from().name());
        node.put("to", change.to().name());
        node.put("reason", change.reason());
        if (change.to() == ClientState.CONNECTING) {
            // The oracle for "never connect unless told ready": compared with the gateway's own
            // record of readiness changes.
            node.put("readinessIndex", change.readinessIndex());
        }
        print(node);
    }

    @Override
    public void onMessage(ReceivedMessage message) {
        if (!messages) {
            return;
        }
        ObjectNode node = event("message");
        node.put("client", message.client());
        node.put("seq", message.seq());
        print(node);
    }

    @Override
    public void onReconnect(ReconnectEvent event) {
        ObjectNode node = event("reconnected");
        node.put("client", event.client());
        node.put("attempt", event.attempt());
        node.put("downtimeMs", event.downtime().toMillis());
        node.put("readyToOpenMs", event.readyToOpen().toMillis());
        node.put("reason", event.reason());
        print(node);
    }

    @Override
    public void onProblem(ClientProblem problem) {
        ObjectNode node = event("problem");
        node.put("client", problem.client());
        node.put("kind", problem.kind().name());
        node.put("message", problem.message());
        if (problem.kind() == ClientProblem.Kind.LOST || problem.kind() == ClientProblem.Kind.GAP) {
            node.put("from", problem.from());
            node.put("to", problem.to());
        }
        print(node);
    }

    @Override
    public void onReadinessCheck(ReadinessCheck check) {
        if (check.nextTry().isEmpty()) {
            return; // ready: the state event CONNECTING says it
        }
        ObjectNode node = event("readiness");
        node.put("client", check.client());
        node.put("outcome", check.outcome().tag());
        node.put("detail", check.detail());
        node.put("longPoll", check.longPoll());
        node.put("nextTryMs", check.nextTry().get().toMillis());
        print(node);
    }

    @Override
    public void stats(Aggregate a, boolean last) {
        ObjectNode node = event("stats");
        node.put("clients", a.clients());
        node.put("connected", a.connected());
        node.put("waiting", a.waiting());
        node.put("reconnects", a.reconnects());
        node.put("received", a.received());
        node.put("lost", a.lost());
        node.put("duplicates", a.duplicates());
        node.put("failedUpgrades", a.failedUpgrades());
        node.put("minLastSeq", a.minLastSeq());
        node.put("maxLastSeq", a.maxLastSeq());
        if (a.failed() > 0) {
            node.put("failed", a.failed());
        }
        if (last) {
            node.put("final", true);
        }
        print(node);
    }
}
