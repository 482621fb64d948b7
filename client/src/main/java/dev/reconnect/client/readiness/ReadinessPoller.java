package dev.reconnect.client.readiness;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.ClientContext;
import dev.reconnect.client.ReadinessCheck;
import dev.reconnect.client.ReconnectingClient;
import dev.reconnect.client.backoff.HintedFailure;
import dev.reconnect.client.policy.ConnectPolicy;
import dev.reconnect.client.scheduling.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the gateway's readiness API until it says "ready": a plain GET, or a long-poll once an answer
 * carried an index; not-ready answers are paced by the {@link ConnectPolicy}'s backoff, "ask again
 * later" (429) by its {@code Retry-After}, and a ready answer that asks for a connect spread is
 * passed on after a random part of it. Used only on the client's event loop.
 */
public final class ReadinessPoller {
    private static final System.Logger LOG = System.getLogger(ReconnectingClient.class.getName());

    /** What the poller decides, on the event loop (every answer also goes to the client's listener). */
    public interface Listener {
        /** Connect now. */
        void ready(ReadinessResult result);

        /** The policy allows no more attempts; {@code lastProblem} is the last answer's detail. */
        void gaveUp(String lastProblem);
    }

    private final ClientContext ctx;
    private final ClientConfig config;
    private final ReadinessTransport http;
    private final Clock clock;
    private final ConnectPolicy policy;
    private final Listener listener;
    private final Timer timer;
    private CompletableFuture<HttpAnswer> inFlight;
    private ReadinessResult lastAnswer;
    private Instant lastReadyAt;

    public ReadinessPoller(ClientContext ctx, ReadinessTransport http, ConnectPolicy policy, Listener listener) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.http = http;
        this.clock = ctx.clock();
        this.policy = policy;
        this.listener = listener;
        this.timer = new Timer(ctx.loop());
    }

    /** Sends the next request now. */
    public void poll() {
        ReadinessQuery query = nextQuery();
        Instant sentAt = clock.instant();
        CompletableFuture<HttpAnswer> request;
        try {
            request = http.get(query.uri(), query.timeout());
        } catch (RuntimeException e) {
            request = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<HttpAnswer> mine = request;
        inFlight = mine;
        mine.whenComplete((answer, error) -> ctx.loop().execute(() -> {
            if (inFlight == mine) { // else abandoned by stop()
                inFlight = null;
                answered(query, sentAt, answer, error);
            }
        }));
    }

    /** Abandons the pending request or wait. */
    public void stop() {
        timer.cancel();
        if (inFlight != null) {
            inFlight.cancel(true);
            inFlight = null;
        }
    }

    /** A new outage, or a connection: the next request is a plain check again. */
    public void forgetLastAnswer() {
        lastAnswer = null;
    }

    /** When the gateway last said "ready" (at any time). */
    public Optional<Instant> lastReadyAt() {
        return Optional.ofNullable(lastReadyAt);
    }

    /**
     * Long-poll when the last answer of this outage had an index and either said "not ready" (wait
     * for it to change) or said "ready" while the breaker refuses connects (wait for the registry to
     * notice what the failed upgrades showed, but no longer than the breaker stays open).
     */
    private ReadinessQuery nextQuery() {
        ClientConfig.ReadinessPolling settings = config.readiness();
        if (lastAnswer != null && lastAnswer.index().isPresent()) {
            long index = lastAnswer.index().getAsLong();
            if (!lastAnswer.ready()) {
                return ReadinessQuery.longPoll(readinessUri(), index, settings.longPollWait(), settings.timeout());
            }
            Duration breakerLeft = policy.openFor();
            if (!breakerLeft.isZero()) {
                Duration atLeastASecond = breakerLeft.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : breakerLeft;
                Duration wait = settings.longPollWait().compareTo(atLeastASecond) <= 0 ? settings.longPollWait() : atLeastASecond;
                return ReadinessQuery.longPoll(readinessUri(), index, wait, settings.timeout());
            }
        }
        return ReadinessQuery.plain(readinessUri(), settings.timeout());
    }

    private void answered(ReadinessQuery query, Instant sentAt, HttpAnswer answer, Throwable error) {
        ReadinessResult result = error != null ? ReadinessParser.unreachable(error)
                : ReadinessParser.parse(answer, clock.instant());
        ctx.metrics().readinessRequest(result.outcome().tag());
        if (result.outcome() == ReadinessOutcome.THROTTLED) {
            // "Ask again later" says nothing about the service: it is no failed attempt (no backoff
            // step, nothing toward giving up) and it does not replace the last real answer, so the
            // next request is the same plain check or long-poll.
            Duration wait = throttleWait(result.retryAfter());
            checked(result, query.longPoll(), Optional.of(wait));
            timer.schedule(wait, this::poll);
            return;
        }
        lastAnswer = result;
        if (result.ready()) {
            lastReadyAt = clock.instant();
            long spread = result.readiness() == null ? 0 : result.readiness().connectSpreadMillis();
            if (spread <= 0) {
                checked(result, query.longPoll(), Optional.empty());
                listener.ready(result);
                return;
            }
            // The gateway told a crowd at once: take a random place in the window it asks for.
            Duration wait = Duration.ofMillis(ctx.random().nextLong(spread));
            checked(result, query.longPoll(), Optional.of(wait));
            timer.schedule(wait, () -> listener.ready(result));
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> ctx.name() + " readiness: " + result.detail());
        // Only a long-poll the gateway answered (it held the request on purpose) counts as time
        // already waited; after an error or a timeout the backoff starts from the failure.
        Duration took = query.longPoll() && result.readiness() != null
                ? Duration.between(sentAt, clock.instant()) : Duration.ZERO;
        Optional<Duration> next = policy.nextDelay(new HintedFailure(result.detail(), result.retryAfter(), took));
        checked(result, query.longPoll(), next);
        if (next.isEmpty()) {
            listener.gaveUp(result.detail());
            return;
        }
        timer.schedule(next.get(), this::poll);
    }

    /**
     * What the gateway asked for, plus up to a fifth more: the clients it turned away at one instant
     * must not all come back at the next. Never longer than the backoff's cap: a proxy's
     * {@code Retry-After: 3600} must not park a client for an hour.
     */
    private Duration throttleWait(Duration retryAfter) {
        Duration cap = config.backoff().max();
        Duration asked = retryAfter.compareTo(cap) > 0 ? cap : retryAfter;
        return asked.plusMillis(ctx.random().nextLong(asked.toMillis() / 5 + 1));
    }

    /** {@code nextTry}: how long until the next request or the connect, if any. */
    private void checked(ReadinessResult result, boolean longPoll, Optional<Duration> nextTry) {
        ctx.listener().onReadinessCheck(new ReadinessCheck(ctx.name(), result, longPoll, nextTry, clock.instant()));
    }

    private java.net.URI readinessUri() {
        return config.endpoints().readinessUri();
    }
}
