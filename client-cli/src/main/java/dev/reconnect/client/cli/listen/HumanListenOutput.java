package dev.reconnect.client.cli.listen;

import dev.reconnect.client.ClientProblem;
import dev.reconnect.client.ReadinessCheck;
import dev.reconnect.client.ReceivedMessage;
import dev.reconnect.client.ReconnectEvent;
import dev.reconnect.client.StateChange;
import dev.reconnect.client.cli.Timestamps;
import java.io.PrintStream;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Lines for people: one per state change, one per message (single client only), one per reconnect,
 * one per failed readiness check, and for several clients a periodic total.
 */
public final class HumanListenOutput implements ListenOutput {
    private static final int MAX_BODY = 120;

    private final PrintStream out;
    private final Timestamps timestamps;
    private final Supplier<Instant> now;
    private final boolean singleClient;
    private final boolean messages;

    public HumanListenOutput(PrintStream out, Timestamps timestamps, Supplier<Instant> now, boolean singleClient,
                             boolean messages) {
        this.out = out;
        this.timestamps = timestamps;
        this.now = now;
        this.singleClient = singleClient;
        this.messages = messages;
    }

    private void line(Instant at, String text) {
        String line = timestamps.prefix(at) + " " + text;
        synchronized (out) {
            out.println(line);
        }
    }

    @Override
    public void onStateChange(StateChange change) {
        line(change.at(), change.client() + " " + change.from() + " -> " + change.to() + " (" + change.reason() + ")");
    }

    @Override
    public void onMessage(ReceivedMessage message) {
        if (!singleClient || !messages) {
            return;
        }
        String body = message.body().replaceAll("\\R", " ");
        if (body.length() > MAX_BODY) {
            body = body.substring(0, MAX_BODY) + "…";
        }
        String line = "#" + message.seq() + " " + body;
        synchronized (out) {
            out.println(line);
        }
    }

    @Override
    public void onReconnect(ReconnectEvent event) {
        line(event.at(), event.client() + " reconnected after " + Timestamps.human(event.downtime().toMillis())
                + " (attempt " + event.attempt() + ", ready→open " + Timestamps.human(event.readyToOpen().toMillis())
                + ", reason: " + event.reason() + ")");
    }

    @Override
    public void onProblem(ClientProblem problem) {
        switch (problem.kind()) {
            case CONNECT_FAILED:
            case HEARTBEAT_TIMEOUT:
                return; // the state line that follows gives the reason
            default:
                line(problem.at(), problem.client() + " " + problem.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                        + ": " + problem.message());
        }
    }

    @Override
    public void onReadinessCheck(ReadinessCheck check) {
        if (check.nextTry().isEmpty()) {
            return; // ready: the CONNECTING line says it
        }
        if (check.result().ready()) {
            if (singleClient) {
                line(check.at(), check.client() + " readiness: ready; connecting in "
                        + Timestamps.human(check.nextTry().get().toMillis())
                        + " (the gateway asked the clients it woke together to spread their connects)");
            }
            return;
        }
        boolean longPollNext = !check.result().ready() && check.result().index().isPresent();
        line(check.at(), check.client() + " readiness: " + check.detail() + ", next try in "
                + Timestamps.human(check.nextTry().get().toMillis()) + (longPollNext ? " (long-poll)" : ""));
    }

    @Override
    public void stats(Aggregate a, boolean last) {
        if (!last && singleClient) {
            return;
        }
        StringBuilder text = new StringBuilder(last ? "final: " : "stats: ");
        text.append(a.clients()).append(a.clients() == 1 ? " client" : " clients")
                .append(", connected ").append(a.connected())
                .append(", waiting ").append(a.waiting());
        if (a.failed() > 0) {
            text.append(", failed ").append(a.failed());
        }
        text.append(", reconnects ").append(a.reconnects())
                .append(", received ").append(a.received())
                .append(", lost ").append(a.lost())
                .append(", duplicates ").append(a.duplicates())
                .append(", failed upgrades ").append(a.failedUpgrades())
                .append(", last seq ").append(a.minLastSeq() == a.maxLastSeq() ? String.valueOf(a.maxLastSeq())
                        : a.minLastSeq() + ".." + a.maxLastSeq());
        line(now.get(), text.toString());
    }
}
