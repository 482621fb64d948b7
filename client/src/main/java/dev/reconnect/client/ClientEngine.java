package dev.reconnect.client;

import dev.reconnect.client.backoff.HintedFailure;
import dev.reconnect.client.policy.ConnectPolicy;
import dev.reconnect.client.publish.ClientStoppedException;
import dev.reconnect.client.publish.PendingPublish;
import dev.reconnect.client.publish.SendBufferFullException;
import dev.reconnect.client.readiness.ReadinessPoller;
import dev.reconnect.client.readiness.ReadinessResult;
import dev.reconnect.client.readiness.ReadinessTransport;
import dev.reconnect.client.scheduling.HumanDuration;
import dev.reconnect.client.scheduling.Timer;
import dev.reconnect.client.session.Session;
import dev.reconnect.client.transport.ConnectFailure;
import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.Frame;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The state machine of one client: it owns the state and {@link #transition}, the only place where
 * the state changes, and leaves the rest to its parts: {@link ReadinessPoller} asks whether to
 * connect, {@link ConnectPolicy} says when to try again and whether a connect may go out, and one
 * {@link Session} per socket talks to the server. Everything runs on the client's serial event loop.
 */
final class ClientEngine implements ReadinessPoller.Listener, Session.Owner {
    private static final System.Logger LOG = System.getLogger(ReconnectingClient.class.getName());

    private final ClientContext ctx;
    private final ConnectPolicy policy;
    private final ReadinessPoller readiness;
    private final Timer backoffTimer;
    private final CompletableFuture<ClientState> terminated;
    private volatile ClientState state = ClientState.NEW;
    private volatile String failureReason;
    // confined to the event loop
    private Session session;
    private Outage outage; // the current or, while open, the last one

    /** @param terminated completed with CLOSED or FAILED when the client stops for good */
    ClientEngine(ClientContext ctx, ConnectPolicy policy, ReadinessTransport readinessHttp,
                 CompletableFuture<ClientState> terminated) {
        this.ctx = ctx;
        this.terminated = terminated;
        this.policy = policy;
        this.readiness = new ReadinessPoller(ctx, readinessHttp, policy, this);
        this.backoffTimer = new Timer(ctx.loop());
    }

    void start(long resumeAfter) {
        ctx.loop().execute(() -> {
            if (state == ClientState.NEW) {
                ctx.sequence().resumeAfter(resumeAfter);
                beginOutage("start");
                waitForReadiness("started");
            }
        });
    }

    CompletableFuture<Long> send(String body) {
        String key;
        try {
            key = ctx.outbox().newKeyFor(body);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (state.isTerminal()) {
            return CompletableFuture.failedFuture(stoppedException());
        }
        if (!ctx.outbox().tryReserve()) {
            ctx.metrics().sendResult("overflow");
            return CompletableFuture.failedFuture(new SendBufferFullException(ctx.outbox().capacity()));
        }
        CompletableFuture<Long> future = new CompletableFuture<>();
        ctx.loop().execute(() -> {
            if (state.isTerminal()) {
                ctx.outbox().release();
                future.completeExceptionally(stoppedException());
                return;
            }
            PendingPublish publish = ctx.outbox().add(key, body, future);
            if (state == ClientState.OPEN) {
                session.publish(publish);
            }
        });
        return future;
    }

    void close() {
        ctx.loop().execute(() -> stop(ClientState.CLOSED, "closed by client",
                open -> open.close(CloseCodes.NORMAL, "client closing"), "client closed before the publish was acknowledged"));
    }

    ClientState state() { return state; }

    Optional<String> failureReason() { return Optional.ofNullable(failureReason); }

    private void waitForReadiness(String reason) {
        transition(ClientState.WAITING_FOR_READINESS, reason, StateChange.NO_READINESS_INDEX);
        readiness.poll();
    }

    @Override
    public void ready(ReadinessResult result) {
        if (!policy.tryAcquire()) {
            Duration left = policy.openFor();
            // The breaker's wait paces the client: the failures that opened it were counted already.
            holdBack("ready, but the circuit breaker is open for another " + HumanDuration.of(left),
                    policy.pace(new HintedFailure("circuit breaker open", left, Duration.ZERO)));
            return;
        }
        String summary = result.summary();
        transition(ClientState.CONNECTING, summary.isEmpty() ? "readiness: ready" : "readiness: " + summary,
                result.index().orElse(StateChange.NO_READINESS_INDEX));
        outage.connectAttempted();
        session = new Session(ctx, this);
        session.open();
    }

    @Override
    public void gaveUp(String lastProblem) {
        fail(policy.giveUpReason(lastProblem));
    }

    @Override
    public void welcomed(Frame.Welcome welcome) {
        policy.opened();
        outage.end();
        transition(ClientState.OPEN, "welcome from " + welcome.instance() + " (head " + welcome.head()
                + ", resuming after " + ctx.sequence().lastSeq() + ")", StateChange.NO_READINESS_INDEX);
        outage.reconnected(ctx.name(), ctx.clock().instant(), readiness.lastReadyAt()).ifPresent(event -> {
            ctx.metrics().reconnected(event.downtime());
            ctx.listener().onReconnect(event);
        });
        readiness.forgetLastAnswer();
    }

    @Override
    public void stable() {
        policy.stable();
    }

    @Override
    public void connectFailed(ConnectFailure failure) {
        endSession(Session::abort);
        ctx.metrics().connectFailed(failure.kind().tag());
        policy.failed(failure);
        String reason = "failed upgrade: " + failure.getMessage()
                + (policy.isOpen() ? " (circuit breaker open: waiting on readiness)" : "");
        ctx.problem(ClientProblem.Kind.CONNECT_FAILED, reason, 0, 0);
        // No minimum here: once the breaker is open, the next readiness check is a long-poll that
        // lasts until readiness changes or the breaker lets a trial connect through.
        backOff(reason, HintedFailure.of(failure.getMessage()));
    }

    @Override
    public void turnedAway(String description) {
        // The instance or the gateway answered and is fine (full, busy): no failed upgrade for the
        // breaker and nothing toward giving up, but paced by the growing backoff all the same.
        endSession(Session::end);
        policy.released();
        holdBack(description + " before welcome", policy.pace(HintedFailure.of(description)));
    }

    @Override
    public void closedForGood(String description) {
        endSession(Session::end);
        fail("server closed the connection with " + description + ": not reconnecting");
    }

    @Override
    public void lost(String reason, Duration uptime) {
        endSession(Session::abort);
        beginOutage(reason);
        if (policy.isStable()) {
            waitForReadiness(reason);
        } else {
            backOff(reason + " after only " + HumanDuration.of(uptime) + " open", HintedFailure.of(reason));
        }
    }

    private void backOff(String reason, HintedFailure failure) {
        Optional<Duration> wait = policy.nextDelay(failure);
        if (wait.isEmpty()) {
            fail(policy.giveUpReason(failure.getMessage()));
            return;
        }
        holdBack(reason, wait.get());
    }

    private void holdBack(String reason, Duration wait) {
        String waited = HumanDuration.of(wait);
        transition(ClientState.BACKING_OFF, reason + "; next try in " + waited, StateChange.NO_READINESS_INDEX);
        backoffTimer.schedule(wait, () -> waitForReadiness("backoff of " + waited + " over"));
    }

    private void beginOutage(String reason) {
        outage = new Outage(ctx, reason, state != ClientState.NEW, this::fail);
        readiness.forgetLastAnswer();
    }

    private void fail(String reason) {
        stop(ClientState.FAILED, reason, Session::abort, "client failed before the publish was acknowledged: " + reason);
    }

    /** Cancels every timer and request, ends the socket with {@code endSocket}, fails what is unacked. */
    private void stop(ClientState end, String reason, Consumer<Session> endSocket, String unackedMessage) {
        if (state.isTerminal()) {
            return;
        }
        backoffTimer.cancel();
        if (outage != null) {
            outage.end();
        }
        readiness.stop();
        policy.released();
        endSession(endSocket);
        if (end == ClientState.FAILED) {
            failureReason = reason;
            LOG.log(System.Logger.Level.WARNING, ctx.name() + " failed: " + reason);
        }
        transition(end, reason, StateChange.NO_READINESS_INDEX);
        ctx.outbox().failAll(new ClientStoppedException(unackedMessage));
        terminated.complete(end);
    }

    private void endSession(Consumer<Session> how) {
        if (session != null) {
            how.accept(session);
            session = null;
        }
    }

    /** The one place where the state changes. */
    private void transition(ClientState to, String reason, long readinessIndex) {
        ClientState from = state;
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException(ctx.name() + ": illegal transition " + from + " -> " + to + " (" + reason + ")");
        }
        state = to;
        ctx.metrics().stateEntered(to.name());
        LOG.log(System.Logger.Level.DEBUG, () -> ctx.name() + " " + from + " -> " + to + " (" + reason + ")");
        ctx.listener().onStateChange(new StateChange(ctx.name(), from, to, reason, ctx.clock().instant(), readinessIndex));
    }

    private RuntimeException stoppedException() {
        return new ClientStoppedException("client is " + state
                + (failureReason == null ? "" : " (" + failureReason + ")") + "; nothing can be sent");
    }
}
