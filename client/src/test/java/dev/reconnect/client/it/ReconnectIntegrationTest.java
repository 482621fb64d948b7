package dev.reconnect.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.ClientState;
import dev.reconnect.client.ReceivedMessage;
import dev.reconnect.client.ReconnectEvent;
import dev.reconnect.client.ReconnectingClient;
import dev.reconnect.client.StateChange;
import dev.reconnect.client.metrics.MetricNames;
import dev.reconnect.client.transport.JdkWebSocketTransport;
import dev.reconnect.client.transport.TransportListener;
import dev.reconnect.client.transport.WebSocketConnection;
import dev.reconnect.client.transport.WebSocketTransport;
import dev.reconnect.client.policy.BreakerState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real sockets on loopback: the JDK WebSocket client against a tiny protocol server, and readiness
 * from a JDK HttpServer. The server goes away (readiness 503 first, then close 1001) and comes back
 * (server first, then readiness 200); the client must resume with nothing lost or doubled, and must
 * never open a socket while readiness says not ready.
 */
class ReconnectIntegrationTest {
    private static final Duration AWAIT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newHttpClient();
    private final TestLog log = new TestLog();
    private TestReadinessServer readiness;
    private TestWsServer server;
    private ReconnectingClient client;

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stopGracefully();
        }
        if (readiness != null) {
            readiness.stop();
        }
    }

    /** Wraps the real transport and records connect attempts made while readiness said not ready. */
    private final class Guarded implements WebSocketTransport {
        final WebSocketTransport real = new JdkWebSocketTransport(http);
        final AtomicInteger attempts = new AtomicInteger();
        final List<String> violations = new CopyOnWriteArrayList<>();

        @Override
        public WebSocketConnection connect(URI uri, Duration timeout, TransportListener listener) {
            attempts.incrementAndGet();
            if (!readiness.isReady()) {
                violations.add("connect attempt #" + attempts.get() + " while readiness said not ready");
            }
            return real.connect(uri, timeout, listener);
        }
    }

    @Test
    void resumesAfterARestartWithNoLossNoDuplicateAndNoSocketWhileNotReady() throws Exception {
        int port = freePort();
        readiness = new TestReadinessServer(true);
        server = TestWsServer.start(port, log, false, "ws-1");
        List<ReceivedMessage> received = new CopyOnWriteArrayList<>();
        List<StateChange> states = new CopyOnWriteArrayList<>();
        List<ReconnectEvent> reconnects = new CopyOnWriteArrayList<>();
        Guarded transport = new Guarded();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ClientConfig config = ClientConfig.custom()
                .gateway(readiness.base())
                .webSocketUri(URI.create("ws://127.0.0.1:" + port + "/ws"))
                .backoff(Duration.ofMillis(50), 2.0, Duration.ofMillis(500))
                .minimumUptime(Duration.ofMillis(300))
                .readinessWait(Duration.ofSeconds(5))
                .heartbeatTimeout(Duration.ofSeconds(5)) // stalls on a busy CI box must not look like a dead link
                .build();
        client = ReconnectingClient.builder("it-client", config)
                .httpClient(http)
                .webSocketTransport(transport)
                .meterRegistry(registry)
                .onMessage(received::add)
                .onStateChange(states::add)
                .onReconnect(reconnects::add)
                .build()
                .start();

        await().atMost(AWAIT).until(() -> client.state() == ClientState.OPEN);
        for (int i = 1; i <= 20; i++) {
            log.append(null, "before " + i);
        }
        CompletableFuture<Long> sentBefore = client.send("from the client");
        assertThat(sentBefore.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(21L);
        await().atMost(AWAIT).until(() -> client.lastSeq() == 21);

        // Graceful shutdown: deregistered (readiness 503) first, then sockets closed with 1001.
        readiness.setReady(false);
        server.stopGracefully();
        server = null;
        await().atMost(AWAIT).until(() -> client.state() == ClientState.WAITING_FOR_READINESS
                || client.state() == ClientState.BACKING_OFF);
        for (int i = 1; i <= 19; i++) {
            log.append(null, "while down " + i); // the log lives on (api-service)
        }
        CompletableFuture<Long> sentWhileDown = client.send("sent while down");
        await().atMost(AWAIT).until(() -> readiness.longPolls.get() >= 1 && readiness.notReadyAnswers.get() >= 2);
        int attemptsWhileDown = transport.attempts.get();

        // Back: the server first, then readiness.
        server = TestWsServer.start(port, log, false, "ws-2");
        readiness.setReady(true);
        await().atMost(AWAIT).until(() -> client.state() == ClientState.OPEN && sentWhileDown.isDone());
        for (int i = 1; i <= 10; i++) {
            log.append(null, "after " + i);
        }
        long head = log.head();
        await().atMost(AWAIT).until(() -> client.lastSeq() == head);

        assertThat(received.stream().map(ReceivedMessage::seq).collect(Collectors.toList()))
                .as("every message once, in order")
                .containsExactlyElementsOf(LongStream.rangeClosed(1, head).boxed().collect(Collectors.toList()));
        assertThat(client.stats().duplicates()).isZero();
        assertThat(client.stats().lost()).isZero();
        assertThat(sentWhileDown.get()).isBetween(22L, head);
        assertThat(log.count("sent while down")).isEqualTo(1);
        assertThat(server.hellos).as("the restarted server was asked to resume after #21").containsExactly(21L);
        assertThat(transport.violations).isEmpty();
        assertThat(attemptsWhileDown).isEqualTo(1);
        assertThat(transport.attempts.get()).isEqualTo(2);
        assertThat(reconnects).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo("close 1001 restarting");
            assertThat(r.attempt()).isEqualTo(1);
            assertThat(r.downtime()).isPositive();
        });
        assertThat(states.stream().map(StateChange::to).collect(Collectors.toList())).containsSubsequence(
                ClientState.WAITING_FOR_READINESS, ClientState.CONNECTING, ClientState.OPEN,
                ClientState.WAITING_FOR_READINESS, ClientState.CONNECTING, ClientState.OPEN);
        assertThat(registry.find(MetricNames.READINESS_REQUESTS).tag("outcome", "not_ready").counter().count())
                .isGreaterThanOrEqualTo(2);
        assertThat(registry.find(MetricNames.RECONNECTS).counter().count()).isEqualTo(1);
        assertThat(registry.find("resilience4j.circuitbreaker.state").gauges()).isNotEmpty();
        assertThat(registry.find("resilience4j.retry.calls").meters()).isNotEmpty();
    }

    @Test
    void failedUpgradesWhileReadinessSaysReadyOpenTheBreakerThenTheClientRecovers() throws Exception {
        int port = freePort();
        readiness = new TestReadinessServer(true); // the registry believes ws-service is fine …
        server = TestWsServer.start(port, log, true, "dead"); // … but through the gateway: 101, then 1002
        Guarded transport = new Guarded();
        ClientConfig config = ClientConfig.custom()
                .gateway(readiness.base())
                .webSocketUri(URI.create("ws://127.0.0.1:" + port + "/ws"))
                .backoff(Duration.ofMillis(50), 2.0, Duration.ofMillis(300))
                .circuitBreaker(3, Duration.ofSeconds(1))
                .readinessWait(Duration.ofSeconds(5))
                .heartbeatTimeout(Duration.ofSeconds(5)) // stalls on a busy CI box must not look like a dead link
                .build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        client = ReconnectingClient.builder("it-breaker", config)
                .httpClient(http).webSocketTransport(transport).meterRegistry(registry).build().start();

        await().atMost(AWAIT).until(() -> client.circuitBreakerState() == BreakerState.OPEN);
        assertThat(client.stats().failedUpgrades()).isGreaterThanOrEqualTo(3);
        assertThat(registry.find(MetricNames.CONNECT_FAILURES).tag("cause", "closed_before_welcome").counter().count())
                .isGreaterThanOrEqualTo(3);

        // the backend comes back behind the gateway
        server.stopGracefully();
        server = TestWsServer.start(port, log, false, "ws-1");
        log.append(null, "hello");
        await().atMost(AWAIT).until(() -> client.state() == ClientState.OPEN && client.lastSeq() == 1);
        assertThat(client.circuitBreakerState()).isEqualTo(BreakerState.CLOSED);
        assertThat(readiness.longPolls.get()).as("waited on readiness while the breaker was open").isPositive();
        assertThat(transport.violations).isEmpty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
