package dev.reconnect.client.session;

import dev.reconnect.client.ClientContext;
import dev.reconnect.client.ClientProblem;
import dev.reconnect.client.ReconnectingClient;
import dev.reconnect.client.publish.PendingPublish;
import dev.reconnect.client.publish.PublishRejectedException;
import dev.reconnect.client.scheduling.Timer;
import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.Frame;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the server answers to one session's publishes: an ack completes one; a retryable error
 * holds it for a resend under the same key (the log stores a key once); any other error rejects
 * it. Resend rounds that bring no ack wait twice as long each time, so that a log that keeps
 * failing costs a resend every few seconds, not a loop.
 */
public final class PublishReplies {
    private static final System.Logger LOG = System.getLogger(ReconnectingClient.class.getName());
    public static final Duration RESEND_INITIAL = Duration.ofMillis(250);
    public static final Duration RESEND_MAX = Duration.ofSeconds(5);

    private final ClientContext ctx;
    private final Session session;
    private final Set<String> held = new LinkedHashSet<>();
    private final Timer resendTimer;

    PublishReplies(ClientContext ctx, Session session) {
        this.ctx = ctx;
        this.session = session;
        this.resendTimer = new Timer(ctx.loop());
    }

    void ack(Frame.Ack ack) {
        if (ctx.outbox().ack(ack.key(), ack.seq()).isPresent()) {
            held.remove(ack.key());
            resendTimer.resetTries(); // the log stores again: no reason to keep the others waiting long
            ctx.metrics().sendResult("acked");
        } else {
            LOG.log(System.Logger.Level.DEBUG, () -> ctx.name() + ": ack for unknown key " + ack.key());
        }
    }

    void error(Frame.Error error) {
        if (error.key() != null && ctx.outbox().get(error.key()).isPresent()) {
            if (ErrorCodes.isRetryable(error.code())) {
                holdForResend(error);
                return;
            }
            ctx.outbox().reject(error.key(), new PublishRejectedException(error.code(), error.message(), error.key()));
            ctx.metrics().sendResult("rejected");
            return;
        }
        ctx.problem(ClientProblem.Kind.SERVER_ERROR, "server error " + error.code() + ": " + error.message()
                + (error.key() == null ? "" : " (key " + error.key() + ")"), 0, 0);
    }

    /** Everything unacked goes out anyway (a new welcome, or the end): no round pending, none counted. */
    void forget() {
        resendTimer.reset();
        held.clear();
    }

    /**
     * The publish may or may not be stored (or was not, for now): it stays in the outbox. It goes out
     * after the next welcome if the connection is lost first, else after this round's delay.
     */
    private void holdForResend(Frame.Error error) {
        ctx.metrics().sendResult("retried");
        held.add(error.key());
        if (!resendTimer.isPending()) {
            resendTimer.schedule(resendDelay(resendTimer.tries()), this::resendHeld);
        }
        String message = "publish " + error.key() + " not stored yet (" + error.code() + ": " + error.message()
                + "); sending it again with the same key";
        LOG.log(System.Logger.Level.INFO, () -> ctx.name() + ": " + message);
        ctx.problem(ClientProblem.Kind.SERVER_ERROR, message, 0, 0);
    }

    private void resendHeld() {
        if (!session.isWelcomed()) {
            return; // the welcome resends them
        }
        List<PendingPublish> again = ctx.outbox().unacked().stream().filter(p -> held.contains(p.key())).toList();
        held.clear();
        again.forEach(session::publish);
    }

    /** Full delay at the cap, half of it jittered: 250 ms, 500 ms, 1 s, … 5 s. */
    private Duration resendDelay(int round) {
        long ceiling = Math.min(RESEND_MAX.toMillis(), RESEND_INITIAL.toMillis() << Math.min(round, 10));
        return Duration.ofMillis(ceiling / 2 + ctx.random().nextLong(ceiling / 2 + 1));
    }
}
