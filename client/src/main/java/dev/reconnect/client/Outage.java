package dev.reconnect.client;

import dev.reconnect.client.scheduling.HumanDuration;
import dev.reconnect.client.scheduling.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One stretch without an open connection: since when, why, how many connects it took, and the
 * deadline after which the client gives up ({@link ClientConfig.GiveUp#after()}).
 */
final class Outage {
    private final Instant startedAt;
    private final String reason;
    private final boolean afterAConnection;
    private final Timer giveUp;
    private int connectAttempts;

    /**
     * @param afterAConnection false for the wait before the first connection, which is no reconnect
     * @param giveUpWith       called with the reason when the outage lasts too long
     */
    Outage(ClientContext ctx, String reason, boolean afterAConnection, Consumer<String> giveUpWith) {
        this.startedAt = ctx.clock().instant();
        this.reason = reason;
        this.afterAConnection = afterAConnection;
        this.giveUp = new Timer(ctx.loop());
        ctx.config().giveUp().after().ifPresent(limit -> giveUp.schedule(limit, () -> giveUpWith.accept(
                "gave up: not connected within " + HumanDuration.of(limit) + " (last problem: " + reason + ")")));
    }

    /** Connected, or stopped: no more giving up on this outage. */
    void end() {
        giveUp.cancel();
    }

    void connectAttempted() {
        connectAttempts++;
    }

    /**
     * The outage ends with a welcome at {@code now}; {@code lastReadyAt} is the readiness answer that
     * allowed it. Empty for the first connection.
     */
    Optional<ReconnectEvent> reconnected(String client, Instant now, Optional<Instant> lastReadyAt) {
        if (!afterAConnection) {
            return Optional.empty();
        }
        Duration readyToOpen = lastReadyAt.map(ready -> Duration.between(ready, now)).orElse(Duration.ZERO);
        return Optional.of(new ReconnectEvent(client, connectAttempts, Duration.between(startedAt, now), readyToOpen,
                reason, now));
    }
}
