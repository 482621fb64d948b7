package dev.reconnect.gateway.routing;

import dev.reconnect.gateway.registry.Instance;
import dev.reconnect.gateway.registry.InstanceProber;
import dev.reconnect.gateway.registry.RegistryView;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.client.WebSocketClient;
import reactor.core.publisher.Mono;

/**
 * Tells the registry view at once when a backend instance died: its WebSocket could not be opened,
 * or it ended without a close frame and the instance no longer accepts connections, or it said 1001
 * (going away). Consul notices such an instance only at its next check; without this, readiness
 * would say "ready" in between and the next upgrade would be sent to the dead instance (a 101
 * followed at once by close 1002). Any other end (see {@link BackendEnd}) leaves the instance alone.
 *
 * <p>The client's side of the proxy is closed only once the verdict is in, so that a client asking
 * for readiness right after its close is never told "ready" on the strength of an instance that just
 * died. While a probe runs, the instance is "under check" in the registry view (neither routed to nor
 * counted), so that no client, whichever session it was on, is told "ready" on its strength before the
 * verdict. The probe asks for an HTTP answer (see {@code HttpInstanceProber}): a killed process's
 * listening socket outlives its connections by a moment.
 */
class FailureDetectingWebSocketClient implements WebSocketClient {
    private static final Logger log = LoggerFactory.getLogger(FailureDetectingWebSocketClient.class);
    /** Bounds how long a client's close waits for a verdict (the probe itself gives up sooner). */
    static final Duration VERDICT_TIMEOUT = Duration.ofSeconds(2);
    /** Counter of backend WebSocket ends (and failed opens), tagged {@code verdict}: alive or failed. */
    static final String ENDS_METER = "gateway.websocket.backend.ends";

    private final WebSocketClient delegate;
    private final ObjectProvider<RegistryView> view;
    private final ObjectProvider<InstanceProber> prober;
    private final ObjectProvider<MeterRegistry> meters;
    private final ObjectProvider<ClientConnections> connections;

    FailureDetectingWebSocketClient(WebSocketClient delegate, ObjectProvider<RegistryView> view,
                                    ObjectProvider<InstanceProber> prober, ObjectProvider<MeterRegistry> meters,
                                    ObjectProvider<ClientConnections> connections) {
        this.delegate = delegate;
        this.view = view;
        this.prober = prober;
        this.meters = meters;
        this.connections = connections;
    }

    @Override
    public Mono<Void> execute(URI url, WebSocketHandler handler) {
        return execute(url, new HttpHeaders(), handler);
    }

    @Override
    public Mono<Void> execute(URI url, HttpHeaders headers, WebSocketHandler handler) {
        Instance target = new Instance(url.getHost() + ":" + port(url), url.getHost(), port(url), 0);
        AtomicBoolean opened = new AtomicBoolean();
        ClientConnections known = connections.getIfAvailable();
        BooleanSupplier clientConnected = known == null ? () -> true : known.clientConnected(headers);
        CompletableFuture<Void> judged = new CompletableFuture<>();
        Mono<Void> verdict = Mono.fromFuture(judged, true).timeout(VERDICT_TIMEOUT, Mono.empty());
        WebSocketHandler observing = new WebSocketHandler() {
            @Override
            public List<String> getSubProtocols() {
                return handler.getSubProtocols();
            }

            @Override
            public Mono<Void> handle(WebSocketSession session) {
                opened.set(true);
                Mono<Optional<CloseStatus>> status = session.closeStatus()
                        .map(Optional::of)
                        .defaultIfEmpty(Optional.empty())
                        .onErrorReturn(Optional.empty())
                        .cache();
                ClientAwareBackendSession backend = new ClientAwareBackendSession(session, status, verdict);
                status.subscribe(s -> judge(target,
                        BackendEnd.of(s, backend.clientSideEnded(), clientConnected.getAsBoolean()), judged));
                return handler.handle(backend);
            }
        };
        return delegate.execute(url, ClientConnections.forBackend(headers), observing)
                .onErrorResume(error -> {
                    if (!opened.get()) {
                        openFailed(target, error);
                        return Mono.error(error);
                    }
                    // A session error (e.g. a frame over the gateway's limit) is not an open failure.
                    return verdict.then(Mono.error(error));
                })
                .then(Mono.defer(() -> opened.get() ? verdict : Mono.<Void>empty()));
    }

    private void openFailed(Instance target, Throwable error) {
        if (error instanceof WebSocketClientHandshakeException) {
            // The instance answered the upgrade with an HTTP status: it is alive and said no to this one request.
            log.debug("Backend {} refused a WebSocket upgrade: {}", target.address(), error.getMessage());
            count("alive");
            return;
        }
        suspect(target, "the WebSocket to it could not be opened (" + error.getClass().getSimpleName() + ")");
    }

    private void judge(Instance target, BackendEnd end, CompletableFuture<Void> judged) {
        switch (end.judgement()) {
            case NOT_A_FAILURE -> {
                count("alive");
                judged.complete(null);
            }
            case FAILED -> {
                suspect(target, end.reason());
                judged.complete(null);
            }
            case FAILED_IF_UNREACHABLE -> {
                long seenAt = healthIndex(target);
                RegistryView registryView = view.getIfAvailable();
                long probe = registryView == null ? 0 : registryView.checking(target.address());
                InstanceProber instanceProber = prober.getIfAvailable();
                CompletableFuture<Boolean> accepts = instanceProber == null
                        ? CompletableFuture.completedFuture(false) : instanceProber.accepts(target);
                accepts.completeOnTimeout(false, VERDICT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .whenComplete((yes, error) -> {
                            if (Boolean.TRUE.equals(yes)) {
                                log.debug("Backend {}: {}, but it still accepts connections", target.address(), end.reason());
                                if (registryView != null) {
                                    registryView.stillAccepts(target.address(), probe);
                                }
                                count("alive");
                            } else {
                                boolean applied = registryView == null || registryView.suspect(target.address(),
                                        end.reason() + " and it does not answer", seenAt, probe);
                                count(applied ? "failed" : "alive");
                            }
                            judged.complete(null);
                        });
            }
        }
    }

    private void suspect(Instance target, String reason) {
        RegistryView registryView = view.getIfAvailable();
        boolean applied = registryView == null || registryView.suspect(target.address(), reason, healthIndex(target));
        count(applied ? "failed" : "alive");
    }

    private long healthIndex(Instance target) {
        RegistryView registryView = view.getIfAvailable();
        return registryView == null ? -1 : registryView.healthIndexOf(target.address()).orElse(-1);
    }

    private void count(String verdict) {
        MeterRegistry registry = meters.getIfAvailable();
        if (registry != null) {
            registry.counter(ENDS_METER, "verdict", verdict).increment();
        }
    }

    private static int port(URI url) {
        if (url.getPort() >= 0) {
            return url.getPort();
        }
        return "wss".equals(url.getScheme()) || "https".equals(url.getScheme()) ? 443 : 80;
    }
}
