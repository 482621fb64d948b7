package dev.reconnect.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.gateway.admission.UpgradeAdmission;
import dev.reconnect.gateway.registry.Instance;
import dev.reconnect.gateway.registry.RegistryView;
import dev.reconnect.gateway.testing.TestRegistry;
import dev.reconnect.protocol.CloseCodes;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Through the real gateway: upgrades beyond what the instance registered it can take are answered by the gateway
 * itself, 101 then close 4004, without a backend connection and without touching the instance's standing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UpgradeAdmissionThroughTheGatewayTest {
    private static final TestRegistry CONSUL = new TestRegistry();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    RegistryView view;
    @Autowired
    MeterRegistry meters;

    private final CompletableFuture<Void> testOver = new CompletableFuture<>();
    private FakeWebSocketBackend backend;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        CONSUL.watchedBy(registry);
        TestRegistry.watchQuickly(registry);
    }

    /** One admission cycle as long as the test: what is admitted is exactly the registered capacity. */
    @TestConfiguration
    static class OneLongCycle {
        @Bean
        @Primary
        UpgradeAdmission oneCycleAdmission(RegistryView view) {
            return new UpgradeAdmission(view::connectsPerSecond, 1.0, Duration.ofHours(1));
        }
    }

    @BeforeAll
    static void apiServicePassing() throws Exception {
        CONSUL.registerPassing("api-service", "api-service-1", 1);
    }

    @AfterAll
    static void stopRegistry() {
        CONSUL.close();
    }

    @AfterEach
    void stopBackend() {
        testOver.complete(null);
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void upgradesBeyondTheRegisteredCapacityAreClosedWithBusyBeforeAnyBackendConnection() throws Exception {
        backend = new FakeWebSocketBackend(connection -> {
            connection.sendText("hello");
            testOver.join();
        });
        CONSUL.registerPassing("ws-service", "ws-service-" + backend.port(), backend.port(), 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> view.readiness().ready() && view.connectsPerSecond() == 2);

        Client first = connect();
        Client second = connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> first.texts.contains("hello") && second.texts.contains("hello"));
        Client third = connect();

        assertThat(third.closed.get(10, TimeUnit.SECONDS)).isEqualTo(CloseCodes.BUSY);
        assertThat(third.reason).contains("busy").contains("2 connects per second");
        assertThat(third.texts).as("nothing from a backend").isEmpty();
        assertThat(backend.handshakes()).as("the busy upgrade never reached the instance").isEqualTo(2);
        assertThat(first.closed).isNotDone();
        assertThat(second.closed).isNotDone();
        assertThat(view.readiness().ready()).as("a busy gateway is no sign of a failing instance").isTrue();
        assertThat(view.routableInstances("ws-service")).extracting(Instance::port).contains(backend.port());
        assertThat(meters.counter("gateway.websocket.admission.refused").count()).isEqualTo(1);
    }

    private Client connect() throws Exception {
        Client client = new Client();
        HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), client).get(10, TimeUnit.SECONDS);
        return client;
    }

    static final class Client implements WebSocket.Listener {
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final List<String> texts = new CopyOnWriteArrayList<>();
        volatile String reason;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            texts.add(data.toString());
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            this.reason = reason;
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
