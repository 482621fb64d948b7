package dev.reconnect.client.cli.listen;

import dev.reconnect.client.ClientProblem;
import dev.reconnect.client.ReadinessCheck;
import dev.reconnect.client.ReceivedMessage;
import dev.reconnect.client.ReconnectEvent;
import dev.reconnect.client.StateChange;
import dev.reconnect.client.cli.event.CliEvent;
import dev.reconnect.client.cli.event.CliEventCodec;
import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * One {@link CliEvent} per line (see {@link CliEventCodec}). A {@code state} event to {@code CONNECTING} carries
 * {@code readinessIndex}: the index of the readiness answer that allowed the connect (-1: none), the oracle for
 * "never connect unless told ready", compared with the gateway's own record of readiness changes.
 *
 * @param messages whether to print a line per message
 * @param now      the time of each line, epoch ms
 */
public record JsonListenOutput(PrintStream out, boolean messages, LongSupplier now) implements ListenOutput {

    @Override
    public void onStateChange(StateChange change) {
        CliEventCodec.print(out, CliEvent.State.of(now.getAsLong(), change));
    }

    @Override
    public void onMessage(ReceivedMessage message) {
        if (messages) {
            CliEventCodec.print(out, new CliEvent.Message(now.getAsLong(), message.client(), message.seq()));
        }
    }

    @Override
    public void onReconnect(ReconnectEvent event) {
        CliEventCodec.print(out, new CliEvent.Reconnected(now.getAsLong(), event.client(), event.attempt(),
                event.downtime().toMillis(), event.readyToOpen().toMillis(), event.reason()));
    }

    @Override
    public void onProblem(ClientProblem problem) {
        CliEventCodec.print(out, CliEvent.Problem.of(now.getAsLong(), problem));
    }

    @Override
    public void onReadinessCheck(ReadinessCheck check) {
        if (check.nextTry().isEmpty()) {
            return; // ready: the state event CONNECTING says it
        }
        CliEventCodec.print(out, new CliEvent.Readiness(now.getAsLong(), check.client(), check.outcome(),
                check.detail(), check.longPoll(), check.nextTry().get().toMillis()));
    }

    @Override
    public void stats(Aggregate a, boolean last) {
        CliEventCodec.print(out, new CliEvent.Stats(now.getAsLong(), a.clients(), a.connected(), a.waiting(),
                a.reconnects(), a.received(), a.lost(), a.duplicates(), a.failedUpgrades(), a.minLastSeq(),
                a.maxLastSeq(), a.failed() > 0 ? a.failed() : null, last ? Boolean.TRUE : null));
    }
}
