package dev.reconnect.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.gateway.admission.UpgradeAdmission;
import dev.reconnect.gateway.registry.HttpInstanceProber;
import dev.reconnect.gateway.registry.Instance;
import dev.reconnect.gateway.registry.InstanceProber;
import dev.reconnect.gateway.registry.RegistryView;
import dev.reconnect.gateway.testing.TestRegistry;
import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.Limits;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * Which ends of a proxied backend WebSocket take the instance out of routing: only the backend's
 * own death. Against a raw-socket backend through the real gateway, with the verdict checked at the
 * moment the client sees its close, as a reconnecting client would ask for readiness right then.
 * Also the Origin check on upgrades, which sits in front of the same route.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BackendFailureTest {
    private static final TestRegistry CONSUL = new TestRegistry();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CONFIGURED_ORIGIN = "https://app.example.com";

    @LocalServerPort
    int port;
    @Autowired
    RegistryView view;
    @Autowired
    MeterRegistry meters;
    @Autowired
    SlowProber prober;
    @Autowired
    HttpClientProperties httpClient;

    private FakeWebSocketBackend backend;
    private String instanceId;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        CONSUL.watchedBy(registry);
        TestRegistry.watchQuickly(registry);
        registry.add("edge.allowed-origins", () -> CONFIGURED_ORIGIN);
    }

    /**
     * Probes that answer only after a while: if the gateway closed the client's side before the
     * verdict, the client would see its close while readiness still said "ready".
     */
    @TestConfiguration
    static class SlowProbes {
        @Bean
        @Primary
        SlowProber slowProber() {
            return new SlowProber();
        }
    }

    /** One admission cycle as long as the test class: what is admitted is exactly the registered capacity. */
    @TestConfiguration
    static class OneAdmissionCycle {
        @Bean
        @Primary
        UpgradeAdmission oneCycleAdmission(RegistryView view) {
            return new UpgradeAdmission(view::connectsPerSecond, 1.0, Duration.ofHours(1));
        }
    }

    static final class SlowProber implements InstanceProber {
        final Set<String> asked = ConcurrentHashMap.newKeySet();
        private final HttpInstanceProber http = new HttpInstanceProber();

        @Override
        public CompletableFuture<Boolean> accepts(Instance instance) {
            asked.add(instance.address());
            return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> http.accepts(instance));
        }
    }

    @BeforeAll
    static void apiServicePassing() throws Exception {
        CONSUL.register("api-service", "api-service-1", 1);
        CONSUL.pass("api-service-1");
    }

    @AfterAll
    static void stopRegistry() {
        CONSUL.close();
    }

    @AfterEach
    void stopBackend() throws Exception {
        if (backend != null) {
            backend.close();
            CONSUL.deregister(instanceId);
        }
    }

    // ---- the rule itself

    @Test
    void theRuleOnEachKindOfEnd() {
        assertThat(BackendEnd.of(Optional.empty(), false).judgement()).isEqualTo(BackendEnd.Judgement.FAILED_IF_UNREACHABLE);
        assertThat(BackendEnd.of(Optional.of(new CloseStatus(1006)), false).judgement())
                .isEqualTo(BackendEnd.Judgement.FAILED_IF_UNREACHABLE);
        assertThat(BackendEnd.of(Optional.of(CloseStatus.GOING_AWAY), false).judgement()).isEqualTo(BackendEnd.Judgement.FAILED);
        for (int code : new int[] {1000, 1002, 1008, 1009, 1011, 4000, 4001, 4002, 4003, 4099, 4400}) {
            assertThat(BackendEnd.of(Optional.of(new CloseStatus(code)), false).judgement()).as("close %d", code)
                    .isEqualTo(BackendEnd.Judgement.NOT_A_FAILURE);
        }
        assertThat(BackendEnd.of(Optional.of(CloseStatus.NORMAL), true).judgement()).as("the client left first")
                .isEqualTo(BackendEnd.Judgement.NOT_A_FAILURE);
        assertThat(BackendEnd.of(Optional.empty(), true).judgement())
                .as("the client's side ended first, but the backend never answered the close: it may have died")
                .isEqualTo(BackendEnd.Judgement.FAILED_IF_UNREACHABLE);
        assertThat(BackendEnd.of(Optional.of(CloseStatus.GOING_AWAY), true).judgement()).as("the client's own 1001 passed on")
                .isEqualTo(BackendEnd.Judgement.NOT_A_FAILURE);
        for (Optional<CloseStatus> status : List.of(Optional.<CloseStatus>empty(), Optional.of(new CloseStatus(1006)))) {
            assertThat(BackendEnd.of(status, false, false).judgement())
                    .as("%s while the client's connection to the gateway was already gone", status)
                    .isEqualTo(BackendEnd.Judgement.NOT_A_FAILURE);
        }
    }

    @Test
    void theBackendFrameLimitIsAboveTheProtocolsLargestFrame() {
        assertThat(httpClient.getWebsocket().getMaxFramePayloadLength()).isGreaterThan(Limits.MAX_FRAME_BYTES);
    }

    // ---- real backend deaths: out of routing before the client hears of the close

    @Test
    void aKilledBackendIsOutOfRoutingBeforeTheClientSeesItsClose() throws Exception {
        startBackend(connection -> {
            connection.sendText("hello");
            connection.kill();
        });
        Observer client = connect();

        assertTakenOutBeforeTheClientsClose(client);
        assertThat(prober.asked).contains("127.0.0.1:" + backend.port());
    }

    @Test
    void aBackendKilledLongAfterTheSessionOpenedIsStillJudgedBeforeTheClientSeesItsClose() throws Exception {
        CompletableFuture<Void> killNow = startBackendKilledWhenTold();
        Observer client = connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.texts.contains("hello"));
        // Longer than the verdict's own timeout: nothing about the verdict may start counting at the session's start.
        await().pollDelay(FailureDetectingWebSocketClient.VERDICT_TIMEOUT.plusMillis(500)).until(() -> true);

        killNow.complete(null);

        assertOutOfRoutingAtTheClientsClose(client);
    }

    /**
     * A client that is sending when its backend dies: the gateway's write to the dead backend fails
     * at once, long before the probe's verdict, and that failure must not close the client's side
     * early (nor count as the client leaving).
     */
    @Test
    void aBackendKilledWhileItsClientIsSendingIsOutOfRoutingBeforeTheClientSeesItsClose() throws Exception {
        CompletableFuture<Void> killNow = startBackendKilledWhenTold();
        Observer client = connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.texts.contains("hello"));
        AtomicInteger sent = new AtomicInteger();
        Thread sender = keepSending(client, sent);
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.get() > 20);

        killNow.complete(null);

        assertTakenOutBeforeTheClientsClose(client);
        sender.join(10_000);
    }

    /** Many sessions end at once when a busy instance dies: none of their clients may hear of it before the verdict. */
    @Test
    void aKilledBackendWithManySessionsIsOutOfRoutingBeforeAnyClientSeesItsClose() throws Exception {
        CompletableFuture<Void> killNow = startBackendKilledWhenTold();
        List<Observer> clients = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 200; i++) {
            clients.add(connect());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> clients.stream().allMatch(c -> c.texts.contains("hello")));
        List<Thread> senders = new ArrayList<>();
        for (Observer client : clients.subList(0, 100)) {
            senders.add(keepSending(client, new AtomicInteger()));
        }

        killNow.complete(null);

        for (Observer client : clients) {
            client.closed.get(10, TimeUnit.SECONDS);
        }
        for (Thread sender : senders) {
            sender.join(10_000);
        }
        assertThat(clients).allSatisfy(this::assertOutOfRoutingAtTheClientsClose);
    }

    /**
     * A killed process's connections end a moment before its listening socket goes: a probe that only
     * connects would call it alive (and readiness would blip "ready" on a dead instance); the probe asks
     * for an HTTP answer, which nobody gives.
     */
    @Test
    void aBackendWhoseListeningSocketOutlivesItsConnectionsIsOutOfRoutingBeforeTheClientSeesItsClose() throws Exception {
        startBackend(connection -> {
            connection.sendText("hello");
            connection.dieSlowly();
        });
        Observer client = connect();

        assertTakenOutBeforeTheClientsClose(client);
    }

    @Test
    void aBackendGoingAwayIsOutOfRoutingBeforeTheClientSeesItsClose() throws Exception {
        startBackend(connection -> {
            connection.sendClose(CloseCodes.GOING_AWAY, CloseCodes.REASON_RESTARTING);
            connection.echoCloseWhenAsked();
        });

        Observer client = connect();

        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(CloseCodes.GOING_AWAY);
        assertOutOfRoutingAtTheClientsClose(client);
    }

    @Test
    void aBackendThatCannotBeReachedIsOutOfRouting() throws Exception {
        startBackend(FakeWebSocketBackend.Connection::echoCloseWhenAsked);
        backend.stopListening();
        Observer client = connect();

        assertTakenOutBeforeTheClientsClose(client);
    }

    // ---- ends that concern one session: the instance stays

    @ParameterizedTest
    @ValueSource(ints = {1000, 1008, 1009, 4000, 4001, 4002, 4003, 4099})
    void aSessionCloseLeavesTheInstanceInRouting(int code) throws Exception {
        startBackend(connection -> {
            connection.sendClose(code, "this session only");
            connection.echoCloseWhenAsked();
        });
        Observer client = connect();

        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(code);
        assertLeftInRoutingAtTheClientsClose(client);
    }

    @Test
    void aConnectionThatEndsWithoutACloseFrameWhileTheInstanceStillAcceptsConnectionsLeavesItInRouting() throws Exception {
        startBackend(connection -> {
            connection.sendText("hello");
            connection.hangUp();
        });
        Observer client = connect();

        assertLeftInRoutingAtTheClientsClose(client);
        assertThat(prober.asked).as("the probe decided").contains("127.0.0.1:" + backend.port());
    }

    @Test
    void theClientLeavingSaysNothingAboutTheBackend() throws Exception {
        startBackend(connection -> {
            connection.sendText("hello");
            connection.echoCloseWhenAsked();
        });
        Observer client = connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.texts.contains("hello"));

        client.socket.sendClose(CloseCodes.GOING_AWAY, "leaving the page").get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> count("alive") == client.aliveBefore + 1);
        assertThat(view.routableInstances("ws-service")).extracting(Instance::port).contains(backend.port());
        assertThat(count("failed")).isEqualTo(client.failedBefore);
    }

    /**
     * A client whose connection drops without a close frame (a killed tab, a lost network, a hostile client): the
     * gateway drops the backend side itself, which must not put the instance under check. It did, now and then
     * (FaultIT in CI): readiness said "not ready" to everyone for the probe's time, because of one client.
     */
    @Test
    void aClientThatDropsItsConnectionWithoutACloseFrameSaysNothingAboutTheBackend() throws Exception {
        startBackend(connection -> {
            connection.sendText("hello");
            connection.echoCloseWhenAsked();
        });
        double aliveBefore = count("alive");
        double failedBefore = count("failed");
        long index = view.readiness().index();

        for (int i = 0; i < 5; i++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                // the 101, then the backend's "hello": the backend session is open when the client drops
                StringBuilder received = new StringBuilder();
                while (!received.toString().contains("hello")) {
                    int b = socket.getInputStream().read();
                    assertThat(b).as("the connection ended before the backend's hello: " + received).isNotNegative();
                    received.append((char) b);
                }
                assertThat(received.toString()).startsWith("HTTP/1.1 101");
            }
        }

        int sessions = 5;
        await().atMost(Duration.ofSeconds(10)).until(() -> count("alive") + count("failed") >= aliveBefore + failedBefore + sessions);
        assertThat(count("failed")).isEqualTo(failedBefore);
        assertThat(view.readiness().index()).as("readiness never moved").isEqualTo(index);
    }

    @Test
    void aFrameAsLargeAsAHostilePublishMadeReachesTheClientWhole() throws Exception {
        // 16,384 U+0001 escaped as \\u0001 in a message frame: the frame that took an instance out before.
        String large = "{\"type\":\"message\",\"seq\":1,\"body\":\"" + "\\u0001".repeat(16_384) + "\"}";
        startBackend(connection -> {
            connection.sendText(large);
            connection.echoCloseWhenAsked();
        });
        Observer client = connect();

        await().atMost(Duration.ofSeconds(5)).until(() -> client.texts.contains(large));
        client.socket.sendClose(CloseCodes.NORMAL, "done").get(5, TimeUnit.SECONDS);

        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(CloseCodes.NORMAL);
        assertThat(client.routableAtClose).contains(backend.port());
    }

    @Test
    void aFrameOverTheGatewaysLimitEndsThatSessionOnly() throws Exception {
        int limit = httpClient.getWebsocket().getMaxFramePayloadLength();
        startBackend(connection -> {
            connection.sendText("x".repeat(limit + 1));
            connection.echoCloseWhenAsked();
        });
        Observer client = connect();

        assertLeftInRoutingAtTheClientsClose(client);
    }

    // ---- Origin on upgrades

    @Test
    void aForeignOriginIsRefusedWith403BeforeAnyBackendConnection() throws Exception {
        startBackend(FakeWebSocketBackend.Connection::echoCloseWhenAsked);
        double rejected = meters.counter("gateway.websocket.origin.rejected").count();

        for (String origin : List.of("https://evil.example", "http://127.0.0.1:" + (port + 1), "null", "not an origin")) {
            String answer = upgrade(origin);
            assertThat(answer).as(origin).startsWith("HTTP/1.1 403");
            assertThat(answer).contains("\"error\"");
        }

        assertThat(backend.handshakes()).isZero();
        assertThat(meters.counter("gateway.websocket.origin.rejected").count()).isEqualTo(rejected + 4);
    }

    @Test
    void theGatewaysOwnOriginAConfiguredOneAndNoOriginAreUpgraded() throws Exception {
        startBackend(FakeWebSocketBackend.Connection::echoCloseWhenAsked);

        assertThat(upgrade("http://127.0.0.1:" + port)).startsWith("HTTP/1.1 101");
        assertThat(upgrade(CONFIGURED_ORIGIN)).startsWith("HTTP/1.1 101");
        assertThat(upgrade(null)).startsWith("HTTP/1.1 101");
    }

    // ---- an upgrade that finds the only instance under check

    // ---- admission: a busy gateway is no failing backend

    @Test
    void upgradesBeyondTheRegisteredCapacityAreClosedBusyBeforeAnyBackendConnectionAndTheInstanceStaysRouted()
            throws Exception {
        startBackend(connection -> {
            connection.sendText("hello");
            connection.echoCloseWhenAsked();
        }, 2);
        Observer first = connect();
        Observer second = connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> first.texts.contains("hello") && second.texts.contains("hello"));
        double refusedBefore = meters.counter("gateway.websocket.admission.refused").count();

        Observer third = connect();

        assertThat(third.closed.get(10, TimeUnit.SECONDS)).isEqualTo(CloseCodes.BUSY);
        assertThat(third.reason).contains("busy").contains("2 connects per second");
        assertThat(third.texts).as("nothing from a backend").isEmpty();
        assertThat(backend.handshakes()).as("the busy upgrade never reached the instance").isEqualTo(2);
        assertThat(third.readyAtClose).as("readiness at the busy close").isTrue();
        assertThat(third.routableAtClose).contains(backend.port());
        assertThat(first.closed).isNotDone();
        assertThat(second.closed).isNotDone();
        assertThat(meters.counter("gateway.websocket.admission.refused").count()).isEqualTo(refusedBefore + 1);
        assertThat(count("failed")).as("no verdict against the instance").isEqualTo(first.failedBefore);

        // The two admitted sessions end here, with their verdicts, rather than in the next test.
        first.socket.sendClose(CloseCodes.NORMAL, "test over").get(5, TimeUnit.SECONDS);
        second.socket.sendClose(CloseCodes.NORMAL, "test over").get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> count("alive") == first.aliveBefore + 2);
    }

    @Test
    void anUpgradeThatFindsTheOnlyInstanceUnderCheckIsHeldForTheVerdictAndRoutedWhenItStillAnswers() throws Exception {
        startBackend(FakeWebSocketBackend.Connection::echoCloseWhenAsked);
        String address = "127.0.0.1:" + backend.port();
        long probe = view.checking(address); // as when another of its connections ended without a close frame

        CompletableFuture<String> upgrade = upgradeInTheBackground();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.waitingForVerdict() == 1);
        assertThat(upgrade).as("held, not refused").isNotDone();
        view.stillAccepts(address, probe);

        assertThat(upgrade.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 101");
    }

    @Test
    void anUpgradeHeldForTheVerdictIsRefusedWhenTheInstanceDoesNotAnswer() throws Exception {
        startBackend(FakeWebSocketBackend.Connection::echoCloseWhenAsked);
        String address = "127.0.0.1:" + backend.port();
        long seenAt = view.healthIndexOf(address).orElseThrow();
        long probe = view.checking(address);

        CompletableFuture<String> upgrade = upgradeInTheBackground();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.waitingForVerdict() == 1);
        view.suspect(address, "it does not answer (test)", seenAt, probe);

        assertThat(upgrade.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 503");
    }

    private CompletableFuture<String> upgradeInTheBackground() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return upgrade(null);
            } catch (Exception e) {
                throw new IllegalStateException("the upgrade got no answer", e);
            }
        });
    }

    // ---- helpers

    private void startBackend(FakeWebSocketBackend.Script script) throws Exception {
        startBackend(script, 0);
    }

    /** A backend registered passing, with the connects per second it says it takes (0: it does not say). */
    private void startBackend(FakeWebSocketBackend.Script script, int connectsPerSecond) throws Exception {
        backend = new FakeWebSocketBackend(script);
        instanceId = "ws-service-" + backend.port();
        CONSUL.registerPassing("ws-service", instanceId, backend.port(), connectsPerSecond);
        await().atMost(Duration.ofSeconds(10)).until(() -> view.readiness().ready()
                && view.routableInstances("ws-service").stream().anyMatch(i -> i.port() == backend.port())
                && view.connectsPerSecond() == connectsPerSecond);
    }

    /** A backend whose connections say hello, then die as a killed process's do once the returned future completes. */
    private CompletableFuture<Void> startBackendKilledWhenTold() throws Exception {
        CompletableFuture<Void> killNow = new CompletableFuture<>();
        startBackend(connection -> {
            connection.sendText("hello");
            killNow.join();
            connection.kill();
        });
        return killNow;
    }

    /** The instance was out of routing and readiness said "not ready" when the client saw its close; one "failed" verdict. */
    private void assertTakenOutBeforeTheClientsClose(Observer client) throws Exception {
        assertOutOfRoutingAtTheClientsClose(client);
        assertThat(count("failed")).isEqualTo(client.failedBefore + 1);
    }

    /** The instance was out of routing and readiness said "not ready" when the client saw its close. */
    private void assertOutOfRoutingAtTheClientsClose(Observer client) throws Exception {
        client.closed.get(10, TimeUnit.SECONDS);
        assertThat(client.readyAtClose).as("readiness at the client's close").isFalse();
        assertThat(client.routableAtClose).doesNotContain(backend.port());
    }

    /** The instance was still routed and readiness still "ready" when the client saw its close; one "alive" verdict. */
    private void assertLeftInRoutingAtTheClientsClose(Observer client) throws Exception {
        client.closed.get(10, TimeUnit.SECONDS);
        assertThat(client.readyAtClose).as("readiness at the client's close").isTrue();
        assertThat(client.routableAtClose).contains(backend.port());
        assertThat(count("alive")).isEqualTo(client.aliveBefore + 1);
    }

    /** A thread that sends pings on the client's connection, one after another, until that connection ends. */
    private static Thread keepSending(Observer client, AtomicInteger sent) {
        Thread sender = new Thread(() -> {
            while (!client.closed.isDone()) {
                try {
                    client.socket.sendText("{\"type\":\"ping\"}", true).get(5, TimeUnit.SECONDS);
                    sent.incrementAndGet();
                } catch (Exception e) {
                    return; // the connection ended
                }
            }
        }, "sending-client");
        sender.start();
        return sender;
    }

    private double count(String verdict) {
        return meters.counter(FailureDetectingWebSocketClient.ENDS_METER, "verdict", verdict).count();
    }

    private Observer connect() throws Exception {
        Observer observer = new Observer();
        observer.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), observer).get(10, TimeUnit.SECONDS);
        return observer;
    }

    /** Records what readiness said at the very moment the client saw its connection end. */
    final class Observer implements WebSocket.Listener {
        /** The verdict counts just before this client connected. */
        final double failedBefore = count("failed");
        final double aliveBefore = count("alive");
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final List<String> texts = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        volatile WebSocket socket;
        volatile String reason;
        volatile Boolean readyAtClose;
        volatile List<Integer> routableAtClose;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            this.reason = reason;
            ended(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended(-1);
        }

        private void ended(int code) {
            readyAtClose = view.readiness().ready();
            routableAtClose = view.routableInstances("ws-service").stream().map(Instance::port).toList();
            closed.complete(code);
        }
    }

    /** A raw upgrade request, so that the Origin header is exactly what the test says; returns the head and body. */
    private String upgrade(String origin) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder answer = new StringBuilder();
            int contentLength = 0;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                answer.append(line).append('\n');
                if (line.toLowerCase().startsWith("content-length:")) {
                    contentLength = Integer.parseInt(line.substring(15).trim());
                }
            }
            char[] body = new char[contentLength];
            int read = 0;
            while (read < contentLength) {
                int n = in.read(body, read, contentLength - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return answer.append('\n').append(body, 0, read).toString();
        }
    }

}
