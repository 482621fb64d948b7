package dev.reconnect.client;

import dev.reconnect.client.backoff.HintedFailure;
import dev.reconnect.client.heartbeat.HeartbeatMonitor;
import dev.reconnect.client.metrics.ClientMetrics;
import dev.reconnect.client.publish.ClientStoppedException;
import dev.reconnect.client.publish.Outbox;
import dev.reconnect.client.publish.PendingPublish;
import dev.reconnect.client.publish.PublishRejectedException;
import dev.reconnect.client.publish.SendBufferFullException;
import dev.reconnect.client.readiness.HttpAnswer;
import dev.reconnect.client.readiness.ReadinessOutcome;
import dev.reconnect.client.readiness.ReadinessParser;
import dev.reconnect.client.readiness.ReadinessQuery;
import dev.reconnect.client.readiness.ReadinessResult;
import dev.reconnect.client.readiness.ReadinessTransport;
import dev.reconnect.client.scheduling.Cancellable;
import dev.reconnect.client.scheduling.Scheduler;
import dev.reconnect.client.stream.SequenceTracker;
import dev.reconnect.client.transport.ConnectFailure;
import dev.reconnect.client.transport.TransportListener;
import dev.reconnect.client.transport.WebSocketConnection;
import dev.reconnect.client.transport.WebSocketTransport;
import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.ProtocolException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The state machine of one client. Everything here runs on the client's serial event loop
 * ({@link Scheduler}); callbacks from the network and timers are posted to it and carry a generation
 * number so that a late callback of an abandoned request, socket or timer is ignored.
 * {@link #transition} is the only place where the state changes.
 */
final class ClientEngine {
    private static final System.Logger LOG = System.getLogger(ReconnectingClient.class.getName());
    private static final int OWN_CLOSE = CloseCodes.NORMAL;
    /**
     * Pacing of publishes the server answered with a retryable error while the connection stays
     * open: each round without an ack waits twice as long, so that a log that keeps failing costs a
     * resend every few seconds, not a loop.
     */
    static final Duration RESEND_INITIAL = Duration.ofMillis(250);
    static final Duration RESEND_MAX = Duration.ofSeconds(5);

    private final String name;
    private final ClientConfig config;
    private final Scheduler loop;
    private final Clock clock;
    private final WebSocketTransport sockets;
    private final ReadinessTransport readinessHttp;
    private final ClientListener listener;
    private final ClientMetrics metrics;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final SequenceTracker sequence;
    private final Outbox outbox;
    private final RandomGenerator random;
    private final HeartbeatMonitor heartbeat;
    private final CompletableFuture<ClientState> terminated = new CompletableFuture<>();

    private volatile ClientState state = ClientState.NEW;
    private volatile String failureReason;

    // ---- confined to the event loop ----
    private Retry.AsyncContext<Object> backoff;
    private long step;   // generation of the pending readiness request / state timer / connect timeout
    private long link;   // generation of the current socket's events
    private long outage; // generation of the current outage's give-up deadline
    private Cancellable stepTimer = Cancellable.NONE;
    private Cancellable stableTimer = Cancellable.NONE;
    private Cancellable giveUpTimer = Cancellable.NONE;
    private Cancellable resendTimer = Cancellable.NONE;
    private boolean resendArmed;
    private int resendRound;
    private final Set<String> heldForResend = new LinkedHashSet<>();
    private CompletableFuture<HttpAnswer> readinessInFlight;
    private WebSocketConnection connection;
    private boolean permissionHeld;
    private boolean stable;
    private boolean everOpened;
    private Instant connectStartedAt;
    private Instant openedAt;
    private Instant outageStartedAt;
    private Instant lastReadyAt;
    private Instant breakerOpenedAt;
    private String lostReason = "start";
    private int connectAttempts;
    private ReadinessResult lastReadiness;

    ClientEngine(String name, ClientConfig config, Scheduler loop, Clock clock, WebSocketTransport sockets,
                 ReadinessTransport readinessHttp, ClientListener listener, ClientMetrics metrics, Retry retry,
                 CircuitBreaker breaker, Outbox outbox, RandomGenerator random) {
        this.name = name;
        this.random = random;
        this.config = config;
        this.loop = loop;
        this.clock = clock;
        this.sockets = sockets;
        this.readinessHttp = readinessHttp;
        this.listener = listener;
        this.metrics = metrics;
        this.retry = retry;
        this.breaker = breaker;
        this.outbox = outbox;
        this.sequence = new SequenceTracker(config.resumeAfter());
        this.heartbeat = new HeartbeatMonitor(loop, clock, this::onSilence);
        this.backoff = retry.asyncContext();
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                breakerOpenedAt = clock.instant();
            }
        });
    }

    // =====================================================================================
    // Commands (any thread)
    // =====================================================================================

    void start() {
        loop.execute(() -> {
            if (state != ClientState.NEW) {
                return;
            }
            beginOutage("start");
            waitForReadiness("started");
        });
    }

    CompletableFuture<Long> send(String body) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        if (body == null) {
            future.completeExceptionally(new IllegalArgumentException("body must not be null"));
            return future;
        }
        // The very check the server makes, on the very key it will see: a body it refuses would
        // otherwise sit in the outbox and be resent after every reconnect, forever.
        String key = outbox.newKey();
        try {
            FrameCodec.requirePublishable(key, body);
        } catch (ProtocolException e) {
            future.completeExceptionally(new IllegalArgumentException(e.getMessage(), e));
            return future;
        }
        if (state.isTerminal()) {
            future.completeExceptionally(stoppedException());
            return future;
        }
        if (!outbox.tryReserve()) {
            metrics.sendResult("overflow");
            future.completeExceptionally(new SendBufferFullException(outbox.capacity()));
            return future;
        }
        loop.execute(() -> {
            if (state.isTerminal()) {
                outbox.release();
                future.completeExceptionally(stoppedException());
                return;
            }
            PendingPublish publish = outbox.add(key, body, future);
            if (state == ClientState.OPEN && connection != null) {
                connection.send(FrameCodec.encode(new Frame.Publish(publish.key(), publish.body())));
            }
        });
        return future;
    }

    CompletableFuture<ClientState> close() {
        loop.execute(() -> {
            if (state.isTerminal()) {
                return;
            }
            WebSocketConnection open = connection;
            stopEverything();
            if (open != null) {
                open.close(OWN_CLOSE, "client closing");
            }
            transition(ClientState.CLOSED, "closed by client");
            outbox.failAll(new ClientStoppedException("client closed before the publish was acknowledged"));
            terminated.complete(ClientState.CLOSED);
        });
        return terminated;
    }

    ClientState state() {
        return state;
    }

    Optional<String> failureReason() {
        return Optional.ofNullable(failureReason);
    }

    long lastSeq() {
        return sequence.lastSeq();
    }

    CompletableFuture<ClientState> terminated() {
        return terminated;
    }

    ClientStats stats() {
        return new ClientStats(name, state, sequence.lastSeq(), metrics.received(), metrics.duplicates(),
                metrics.lost(), metrics.reconnects(), metrics.connectAttempts(), metrics.failedUpgrades(),
                metrics.readinessRequests(), metrics.malformedFrames(), outbox.size(), failureReason());
    }

    // =====================================================================================
    // Readiness
    // =====================================================================================

    private void waitForReadiness(String reason) {
        transition(ClientState.WAITING_FOR_READINESS, reason);
        pollReadiness();
    }

    private void pollReadiness() {
        long myStep = ++step;
        ReadinessQuery query = nextQuery();
        Instant sentAt = clock.instant();
        CompletableFuture<HttpAnswer> request;
        try {
            request = readinessHttp.get(query.uri(), query.timeout());
        } catch (RuntimeException e) {
            request = CompletableFuture.failedFuture(e);
        }
        readinessInFlight = request;
        request.whenComplete((answer, error) ->
                loop.execute(() -> onReadinessAnswer(myStep, query, sentAt, answer, error)));
    }

    /**
     * Long-poll when the last answer of this outage had an index and either said "not ready" (wait
     * for it to change) or said "ready" while the breaker refuses connects (wait for the registry to
     * notice what the failed upgrades showed, but no longer than the breaker stays open).
     */
    private ReadinessQuery nextQuery() {
        ReadinessResult last = lastReadiness;
        if (last != null && last.index().isPresent()) {
            if (!last.ready()) {
                return ReadinessQuery.longPoll(config.readinessUri(), last.index().getAsLong(),
                        config.readinessWait(), config.readinessTimeout());
            }
            Duration breakerLeft = breakerRemaining();
            if (!breakerLeft.isZero()) {
                Duration wait = min(config.readinessWait(), max(Duration.ofSeconds(1), breakerLeft));
                return ReadinessQuery.longPoll(config.readinessUri(), last.index().getAsLong(), wait,
                        config.readinessTimeout());
            }
        }
        return ReadinessQuery.plain(config.readinessUri(), config.readinessTimeout());
    }

    private void onReadinessAnswer(long myStep, ReadinessQuery query, Instant sentAt, HttpAnswer answer,
                                   Throwable error) {
        if (myStep != step || state != ClientState.WAITING_FOR_READINESS) {
            return; // abandoned (closed meanwhile)
        }
        readinessInFlight = null;
        ReadinessResult result = error != null ? ReadinessParser.unreachable(error)
                : ReadinessParser.parse(answer, clock.instant());
        metrics.readinessRequest(result.outcome().tag());
        if (result.outcome() == ReadinessOutcome.THROTTLED) {
            // "Ask again later" says nothing about the service: it is no failed attempt (no backoff
            // step, nothing toward giving up) and it does not replace the last real answer, so the
            // next request is the same plain check or long-poll.
            Duration wait = throttleWait(result.retryAfter());
            emitReadinessCheck(result, query.longPoll(), Optional.of(wait));
            long myNext = ++step;
            stepTimer = loop.schedule(wait, () -> {
                if (myNext == step && state == ClientState.WAITING_FOR_READINESS) {
                    pollReadiness();
                }
            });
            return;
        }
        lastReadiness = result;
        if (result.ready()) {
            lastReadyAt = clock.instant();
            long spread = result.readiness() == null ? 0 : result.readiness().connectSpreadMillis();
            if (spread <= 0) {
                emitReadinessCheck(result, query.longPoll(), Optional.empty());
                connectIfPermitted(result);
                return;
            }
            // The gateway told a crowd at once: take a random place in the window it asks for.
            Duration wait = Duration.ofMillis(random.nextLong(spread));
            emitReadinessCheck(result, query.longPoll(), Optional.of(wait));
            long myNext = ++step;
            stepTimer = loop.schedule(wait, () -> {
                if (myNext == step && state == ClientState.WAITING_FOR_READINESS) {
                    connectIfPermitted(result);
                }
            });
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> name + " readiness: " + result.detail());
        // Only a long-poll the gateway answered (it held the request on purpose) counts as time
        // already waited; after an error or a timeout the backoff starts from the failure.
        Duration took = query.longPoll() && result.readiness() != null
                ? Duration.between(sentAt, clock.instant()) : Duration.ZERO;
        long delay = backoff.onError(new HintedFailure(result.detail(), result.retryAfter(), took));
        if (delay < 0) {
            emitReadinessCheck(result, query.longPoll(), Optional.empty());
            fail(giveUpReason(result.detail()));
            return;
        }
        Duration next = Duration.ofMillis(delay);
        emitReadinessCheck(result, query.longPoll(), Optional.of(next));
        long myNext = ++step;
        stepTimer = loop.schedule(next, () -> {
            if (myNext == step && state == ClientState.WAITING_FOR_READINESS) {
                pollReadiness();
            }
        });
    }

    /**
     * What the gateway asked for, plus up to a fifth more: the clients it turned away at one instant
     * must not all come back at the next. Never longer than the backoff's cap: a proxy's
     * {@code Retry-After: 3600} must not park a client for an hour.
     */
    private Duration throttleWait(Duration retryAfter) {
        Duration asked = retryAfter.compareTo(config.backoff().max()) > 0 ? config.backoff().max() : retryAfter;
        return asked.plusMillis(random.nextLong(asked.toMillis() / 5 + 1));
    }

    // =====================================================================================
    // Connecting
    // =====================================================================================

    private void connectIfPermitted(ReadinessResult result) {
        if (breaker.tryAcquirePermission()) {
            permissionHeld = true;
            connect(result);
        } else {
            Duration left = breakerRemaining();
            backOff("ready, but the circuit breaker is open for another " + seconds(left),
                    new HintedFailure("circuit breaker open", left, Duration.ZERO));
        }
    }

    private void connect(ReadinessResult readiness) {
        String summary = readiness.summary();
        transition(ClientState.CONNECTING, summary.isEmpty() ? "readiness: ready" : "readiness: " + summary,
                readiness.index().orElse(StateChange.NO_READINESS_INDEX));
        long myLink = ++link;
        long myStep = ++step;
        connectAttempts++;
        metrics.connectAttempt();
        connectStartedAt = clock.instant();
        try {
            connection = sockets.connect(config.webSocketUri(), config.connectTimeout(), new Link(myLink));
        } catch (RuntimeException e) {
            connection = null;
            connectFailed(ConnectFailure.of(e));
            return;
        }
        stepTimer = loop.schedule(config.connectTimeout(), () -> {
            if (myStep == step && myLink == link && state == ClientState.CONNECTING) {
                connectFailed(new ConnectFailure(ConnectFailure.Kind.TIMEOUT,
                        "no welcome within " + seconds(config.connectTimeout())));
            }
        });
    }

    private void onSocketOpen(long myLink) {
        if (myLink != link || state != ClientState.CONNECTING || connection == null) {
            return;
        }
        connection.send(FrameCodec.encode(new Frame.Hello(sequence.lastSeq())));
    }

    private void onWelcome(Frame.Welcome welcome) {
        if (state != ClientState.CONNECTING) {
            unexpected("welcome while " + state);
            return;
        }
        Instant now = clock.instant();
        step++;
        stepTimer.cancel();
        breaker.onSuccess(Duration.between(connectStartedAt, now).toMillis(), TimeUnit.MILLISECONDS);
        permissionHeld = false;
        openedAt = now;
        stable = false;
        heartbeat.start(heartbeatTimeout(welcome));
        boolean reconnect = everOpened;
        everOpened = true;
        outage++;
        giveUpTimer.cancel();
        if (welcome.resumeFrom() < sequence.lastSeq()) {
            // Only a server that confirmed its log's head clamps a hello; what follows are new messages.
            long delivered = sequence.lastSeq();
            sequence.rewindTo(welcome.resumeFrom());
            problem(ClientProblem.Kind.LOG_REWOUND, "the server's log is behind what was delivered (head "
                    + welcome.head() + ", delivered up to " + delivered + "): resuming after " + welcome.resumeFrom()
                    + "; messages from there on are new", welcome.resumeFrom(), delivered);
        }
        transition(ClientState.OPEN, "welcome from " + welcome.instance() + " (head " + welcome.head()
                + ", resuming after " + sequence.lastSeq() + ")");
        if (reconnect) {
            Duration downtime = Duration.between(outageStartedAt, now);
            Duration readyToOpen = lastReadyAt == null ? Duration.ZERO : Duration.between(lastReadyAt, now);
            metrics.reconnected(downtime);
            ReconnectEvent event = new ReconnectEvent(name, connectAttempts, downtime, readyToOpen, lostReason, now);
            safely(() -> listener.onReconnect(event));
        }
        lastReadiness = null;
        forgetResends(); // everything unacked goes out below anyway
        long myLink = link;
        stableTimer = loop.schedule(config.minimumUptime(), () -> {
            if (myLink == link && state == ClientState.OPEN) {
                becameStable();
            }
        });
        for (PendingPublish publish : outbox.unacked()) {
            connection.send(FrameCodec.encode(new Frame.Publish(publish.key(), publish.body())));
        }
    }

    private Duration heartbeatTimeout(Frame.Welcome welcome) {
        if (config.heartbeatTimeout().isPresent()) {
            return config.heartbeatTimeout().get();
        }
        if (welcome.heartbeatMillis() > 0) {
            return Duration.ofMillis(welcome.heartbeatMillis() * ClientConfig.HEARTBEAT_MISSES);
        }
        return ClientConfig.FALLBACK_HEARTBEAT_TIMEOUT;
    }

    /** The connection lasted the minimum uptime: the next outage starts its backoff from scratch. */
    private void becameStable() {
        if (stable) {
            return;
        }
        stable = true;
        backoff.onComplete();
        backoff = retry.asyncContext();
    }

    private void connectFailed(ConnectFailure failure) {
        Instant now = clock.instant();
        dropConnection(true);
        metrics.connectFailed(failure.kind().tag());
        if (permissionHeld) {
            breaker.onError(Duration.between(connectStartedAt, now).toMillis(), TimeUnit.MILLISECONDS, failure);
            permissionHeld = false;
        }
        boolean breakerOpen = breaker.getState() == CircuitBreaker.State.OPEN;
        String reason = "failed upgrade: " + failure.getMessage()
                + (breakerOpen ? " (circuit breaker open: waiting on readiness)" : "");
        problem(ClientProblem.Kind.CONNECT_FAILED, reason, 0, 0);
        // No minimum here: once the breaker is open, the next readiness check is a long-poll that
        // lasts until readiness changes or the breaker lets a trial connect through.
        backOff(reason, new HintedFailure(failure.getMessage(), Duration.ZERO, Duration.ZERO));
    }

    // =====================================================================================
    // Open connection
    // =====================================================================================

    private void onSocketText(long myLink, String text) {
        if (myLink != link || !(state == ClientState.CONNECTING || state == ClientState.OPEN)) {
            return;
        }
        heartbeat.frameReceived();
        Frame frame;
        try {
            frame = FrameCodec.decode(text);
        } catch (ProtocolException e) {
            metrics.malformedFrame();
            String message = "malformed frame ignored (" + e.getMessage() + "): " + abbreviate(text);
            LOG.log(System.Logger.Level.WARNING, name + ": " + message);
            problem(ClientProblem.Kind.MALFORMED_FRAME, message, 0, 0);
            return;
        } catch (RuntimeException e) {
            metrics.malformedFrame();
            String message = "undecodable frame ignored (" + e + "): " + abbreviate(text);
            LOG.log(System.Logger.Level.WARNING, name + ": " + message);
            problem(ClientProblem.Kind.MALFORMED_FRAME, message, 0, 0);
            return;
        }
        if (frame instanceof Frame.Welcome welcome) {
            onWelcome(welcome);
        } else if (frame instanceof Frame.Message message) {
            onMessage(message);
        } else if (frame instanceof Frame.Ack ack) {
            if (outbox.ack(ack.key(), ack.seq()).isPresent()) {
                heldForResend.remove(ack.key());
                resendRound = 0; // the log stores again: no reason to keep the others waiting long
                metrics.sendResult("acked");
            } else {
                LOG.log(System.Logger.Level.DEBUG, () -> name + ": ack for unknown key " + ack.key());
            }
        } else if (frame instanceof Frame.Error error) {
            onServerError(error);
        } else if (frame instanceof Frame.Gap gap) {
            long lost = sequence.onGap(gap.from(), gap.to());
            metrics.countLost(lost);
            problem(ClientProblem.Kind.GAP, "server reports messages " + gap.from() + ".." + gap.to()
                    + " cannot be delivered (" + lost + " newly lost)", gap.from(), gap.to());
        } else if (frame instanceof Frame.Ping) {
            // liveness only; already recorded
        } else {
            unexpected(frame.type() + " frame from the server");
        }
    }

    private void onMessage(Frame.Message message) {
        SequenceTracker.Verdict verdict = sequence.onMessage(message.seq());
        if (verdict instanceof SequenceTracker.Duplicate) {
            metrics.countDuplicate();
            LOG.log(System.Logger.Level.DEBUG, () -> name + ": duplicate #" + message.seq() + " dropped");
            return;
        }
        SequenceTracker.Deliver deliver = (SequenceTracker.Deliver) verdict;
        if (deliver.lost() > 0) {
            metrics.countLost(deliver.lost());
            problem(ClientProblem.Kind.LOST, deliver.lost() + " message(s) skipped: #" + deliver.lostFrom()
                    + ".." + deliver.lostTo() + " never arrived", deliver.lostFrom(), deliver.lostTo());
        }
        metrics.countReceived();
        ReceivedMessage received = new ReceivedMessage(name, message.seq(), message.body(), message.publishedAt());
        safely(() -> listener.onMessage(received));
    }

    private void onServerError(Frame.Error error) {
        if (error.key() != null && outbox.get(error.key()).isPresent()) {
            if (ErrorCodes.isRetryable(error.code())) {
                holdForResend(error);
                return;
            }
            outbox.reject(error.key(), new PublishRejectedException(error.code(), error.message(), error.key()));
            metrics.sendResult("rejected");
            return;
        }
        problem(ClientProblem.Kind.SERVER_ERROR, "server error " + error.code() + ": " + error.message()
                + (error.key() == null ? "" : " (key " + error.key() + ")"), 0, 0);
    }

    /**
     * The publish may or may not be stored (or was not, for now): it stays in the outbox and goes out
     * again under the same key, which the log stores once. It goes out after the next welcome if the
     * connection is lost first, else after a delay that grows with every round that brings no ack.
     */
    private void holdForResend(Frame.Error error) {
        metrics.sendResult("retried");
        heldForResend.add(error.key());
        if (!resendArmed) {
            resendArmed = true;
            Duration delay = resendDelay(resendRound);
            long myLink = link;
            resendTimer = loop.schedule(delay, () -> resendHeld(myLink));
        }
        String message = "publish " + error.key() + " not stored yet (" + error.code() + ": " + error.message()
                + "); sending it again with the same key";
        LOG.log(System.Logger.Level.INFO, () -> name + ": " + message);
        problem(ClientProblem.Kind.SERVER_ERROR, message, 0, 0);
    }

    private void resendHeld(long myLink) {
        if (myLink != link || state != ClientState.OPEN || connection == null) {
            return; // the next welcome resends them
        }
        resendArmed = false;
        resendRound++;
        List<PendingPublish> again = outbox.unacked().stream().filter(p -> heldForResend.contains(p.key())).toList();
        heldForResend.clear();
        for (PendingPublish publish : again) {
            connection.send(FrameCodec.encode(new Frame.Publish(publish.key(), publish.body())));
        }
    }

    /** Full delay at the cap, half of it jittered: 250 ms, 500 ms, 1 s, … 5 s. */
    private Duration resendDelay(int round) {
        long ceiling = Math.min(RESEND_MAX.toMillis(), RESEND_INITIAL.toMillis() << Math.min(round, 10));
        return Duration.ofMillis(ceiling / 2 + random.nextLong(ceiling / 2 + 1));
    }

    private void forgetResends() {
        resendTimer.cancel();
        resendArmed = false;
        resendRound = 0;
        heldForResend.clear();
    }

    private void onSocketActivity(long myLink) {
        if (myLink == link) {
            heartbeat.frameReceived();
        }
    }

    private void onSilence(Duration silent) {
        if (state != ClientState.OPEN) {
            return;
        }
        metrics.heartbeatTimeout();
        String reason = "heartbeat timeout: nothing from the server for " + seconds(silent);
        problem(ClientProblem.Kind.HEARTBEAT_TIMEOUT, reason, 0, 0);
        connectionLost(reason);
    }

    private void onSocketClosed(long myLink, int code, String reason) {
        if (myLink != link || !(state == ClientState.CONNECTING || state == ClientState.OPEN)) {
            return;
        }
        connection = null;
        String description = describeClose(code, reason);
        if (CloseCodes.isSessionClose(code)) {
            LOG.log(System.Logger.Level.INFO, () -> name + ": " + description + "; reconnecting after readiness");
        }
        if (CloseCodes.isTerminal(code)) {
            dropConnection(false);
            if (permissionHeld) {
                breaker.releasePermission();
                permissionHeld = false;
            }
            fail("server closed the connection with " + description + ": not reconnecting");
        } else if (state == ClientState.CONNECTING && CloseCodes.isSessionClose(code)) {
            // The instance answered and is fine (e.g. full): no failed upgrade for the breaker,
            // but an attempt that did not connect, paced by the usual backoff.
            dropConnection(false);
            if (permissionHeld) {
                breaker.releasePermission();
                permissionHeld = false;
            }
            backOff(description + " before welcome", HintedFailure.of(description));
        } else if (state == ClientState.CONNECTING) {
            connectFailed(new ConnectFailure(ConnectFailure.Kind.CLOSED_BEFORE_WELCOME,
                    description + " before welcome"));
        } else {
            connectionLost(description);
        }
    }

    private void onSocketFailure(long myLink, Throwable error) {
        if (myLink != link || !(state == ClientState.CONNECTING || state == ClientState.OPEN)) {
            return;
        }
        if (state == ClientState.CONNECTING) {
            connectFailed(ConnectFailure.of(error));
        } else {
            connectionLost("connection error (" + CloseCodes.ABNORMAL + "): " + ConnectFailure.describe(error));
        }
    }

    /**
     * How a close is told in states, events and logs; the per-session codes in words, e.g.
     * "closed by the server: too slow (4000)".
     */
    static String describeClose(int code, String reason) {
        String text = reason == null ? "" : reason.strip();
        if (!CloseCodes.isSessionClose(code)) {
            return "close " + code + (text.isEmpty() ? "" : " " + text);
        }
        String words = switch (code) {
            case CloseCodes.TOO_SLOW -> "too slow";
            case CloseCodes.HELLO_TIMEOUT -> "no hello in time";
            case CloseCodes.INSTANCE_FULL -> "instance full";
            case CloseCodes.RESYNC -> "the log went backwards, resynchronising";
            default -> "session closed";
        };
        String base = "closed by the server: " + words + " (" + code + ")";
        return text.isEmpty() || text.equalsIgnoreCase(words) ? base : base + ": " + text;
    }

    /** An open connection ended without our asking. */
    private void connectionLost(String reason) {
        Instant now = clock.instant();
        dropConnection(true);
        Duration uptime = Duration.between(openedAt, now);
        if (!uptime.minus(config.minimumUptime()).isNegative()) {
            becameStable();
        }
        beginOutage(reason);
        if (stable) {
            waitForReadiness(reason);
        } else {
            backOff(reason + " after only " + seconds(uptime) + " open",
                    new HintedFailure(reason, Duration.ZERO, Duration.ZERO));
        }
    }

    // =====================================================================================
    // Backoff, outages, failure
    // =====================================================================================

    private void backOff(String reason, HintedFailure failure) {
        long delay = backoff.onError(failure);
        if (delay < 0) {
            fail(giveUpReason(failure.getMessage()));
            return;
        }
        Duration wait = Duration.ofMillis(delay);
        transition(ClientState.BACKING_OFF, reason + "; next try in " + seconds(wait));
        long myStep = ++step;
        stepTimer = loop.schedule(wait, () -> {
            if (myStep == step && state == ClientState.BACKING_OFF) {
                waitForReadiness("backoff of " + seconds(wait) + " over");
            }
        });
    }

    private void beginOutage(String reason) {
        outageStartedAt = clock.instant();
        lostReason = reason;
        connectAttempts = 0;
        lastReadiness = null;
        long myOutage = ++outage;
        giveUpTimer.cancel();
        config.giveUpAfter().ifPresent(limit -> giveUpTimer = loop.schedule(limit, () -> {
            if (myOutage == outage && !state.isTerminal() && state != ClientState.OPEN) {
                fail("gave up: not connected within " + seconds(limit) + " (last problem: " + lostReason + ")");
            }
        }));
    }

    private String giveUpReason(String last) {
        int attempts = config.giveUpAfterAttempts().orElse(Integer.MAX_VALUE);
        return "gave up after " + attempts + " failed attempts (last: " + last + ")";
    }

    private void fail(String reason) {
        if (state.isTerminal()) {
            return;
        }
        WebSocketConnection open = connection;
        stopEverything();
        if (open != null) {
            open.abort();
        }
        failureReason = reason;
        LOG.log(System.Logger.Level.WARNING, name + " failed: " + reason);
        transition(ClientState.FAILED, reason);
        outbox.failAll(new ClientStoppedException("client failed before the publish was acknowledged: " + reason));
        terminated.complete(ClientState.FAILED);
    }

    /** Cancels every timer and request, forgets the socket (without closing it). */
    private void stopEverything() {
        step++;
        link++;
        outage++;
        stepTimer.cancel();
        stableTimer.cancel();
        giveUpTimer.cancel();
        forgetResends();
        heartbeat.stop();
        if (readinessInFlight != null) {
            readinessInFlight.cancel(true);
            readinessInFlight = null;
        }
        if (permissionHeld) {
            breaker.releasePermission();
            permissionHeld = false;
        }
        connection = null;
    }

    private void dropConnection(boolean abort) {
        step++;
        link++;
        stepTimer.cancel();
        stableTimer.cancel();
        forgetResends();
        heartbeat.stop();
        WebSocketConnection open = connection;
        connection = null;
        if (abort && open != null) {
            open.abort();
        }
    }

    private Duration breakerRemaining() {
        if (breaker.getState() != CircuitBreaker.State.OPEN || breakerOpenedAt == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), breakerOpenedAt.plus(config.circuitBreakerOpenWait()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    // =====================================================================================
    // The one place where the state changes
    // =====================================================================================

    private void transition(ClientState to, String reason) {
        transition(to, reason, StateChange.NO_READINESS_INDEX);
    }

    private void transition(ClientState to, String reason, long readinessIndex) {
        ClientState from = state;
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException(name + ": illegal transition " + from + " -> " + to + " (" + reason + ")");
        }
        state = to;
        metrics.stateEntered(to.name());
        StateChange change = new StateChange(name, from, to, reason, clock.instant(), readinessIndex);
        LOG.log(System.Logger.Level.DEBUG, () -> name + " " + from + " -> " + to + " (" + reason + ")");
        safely(() -> listener.onStateChange(change));
    }

    // =====================================================================================
    // Helpers
    // =====================================================================================

    private void emitReadinessCheck(ReadinessResult result, boolean longPoll, Optional<Duration> next) {
        ReadinessCheck check = new ReadinessCheck(name, result, longPoll, next, clock.instant());
        safely(() -> listener.onReadinessCheck(check));
    }

    private void problem(ClientProblem.Kind kind, String message, long from, long to) {
        ClientProblem problem = new ClientProblem(name, kind, message, from, to, clock.instant());
        safely(() -> listener.onProblem(problem));
    }

    private void unexpected(String what) {
        metrics.unexpectedFrame();
        LOG.log(System.Logger.Level.WARNING, name + ": unexpected " + what + " ignored");
        problem(ClientProblem.Kind.UNEXPECTED_FRAME, "unexpected " + what + " ignored", 0, 0);
    }

    private void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, name + ": a listener threw; ignored", e);
        }
    }

    private RuntimeException stoppedException() {
        return new ClientStoppedException("client is " + state
                + (failureReason == null ? "" : " (" + failureReason + ")") + "; nothing can be sent");
    }

    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis < 1000 ? millis + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ");
        return flat.length() <= 80 ? flat : flat.substring(0, 80) + "…";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Posts one socket's events to the loop, tagged with the socket's generation. */
    private final class Link implements TransportListener {
        private final long generation;

        Link(long generation) {
            this.generation = generation;
        }

        @Override
        public void onOpen() {
            loop.execute(() -> onSocketOpen(generation));
        }

        @Override
        public void onText(String text) {
            loop.execute(() -> onSocketText(generation, text));
        }

        @Override
        public void onActivity() {
            loop.execute(() -> onSocketActivity(generation));
        }

        @Override
        public void onClosed(int code, String reason) {
            loop.execute(() -> onSocketClosed(generation, code, reason));
        }

        @Override
        public void onFailure(Throwable error) {
            loop.execute(() -> onSocketFailure(generation, error));
        }
    }
}
