package dev.reconnect.gateway.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.reconnect.gateway.registry.RegistryView;
import dev.reconnect.gateway.testing.JsonBackend;
import dev.reconnect.gateway.testing.TestRegistry;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.readiness.Readiness;
import dev.reconnect.protocol.readiness.ReadinessChange;
import dev.reconnect.support.testing.LocalHttp;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway against consul-emulator: readiness from the live view, long-polling, bad query values,
 * routing only to passing instances, and an unreachable registry.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadinessAndRoutingTest {
    private static final TestRegistry CONSUL = new TestRegistry();
    private static final HttpServer API_BACKEND = JsonBackend.start("/api/info", "{\"service\":\"api-service\"}", path -> { });
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @LocalManagementPort
    int managementPort;
    @Autowired
    RegistryView view;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        CONSUL.watchedBy(registry);
        TestRegistry.watchQuickly(registry);
        registry.add("registry.max-waiting-per-address", () -> "2");
    }

    @AfterAll
    static void stop() {
        API_BACKEND.stop(0);
        CONSUL.close();
    }

    @BeforeEach
    void servicesRegisteredWithTtlChecks() throws Exception {
        CONSUL.register("ws-service", "ws-service-1", 1);
        CONSUL.register("api-service", "api-service-1", API_BACKEND.getAddress().getPort());
    }

    @Test
    @Order(1)
    void notReadyIs503WithRetryAfterAndTheSameShapeNamingNoHostOrPort() throws Exception {
        CONSUL.check("fail", "ws-service-1");
        CONSUL.check("pass", "api-service-1");

        HttpResponse<String> answer = await().atMost(Duration.ofSeconds(5)).until(() -> get("/readiness"),
                r -> r.statusCode() == 503 && body(r).services().get(1).passing() == 1);

        assertThat(answer.headers().firstValue("Retry-After")).contains("1");
        Readiness readiness = body(answer);
        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.registry()).isEqualTo(Readiness.REGISTRY_UP);
        assertThat(readiness.services()).extracting(Readiness.ServiceReadiness::name)
                .containsExactly("ws-service", "api-service");
        assertThat(readiness.services().get(0).status()).isEqualTo("unavailable");
        assertThat(answer.body()).doesNotContain("127.0.0.1").doesNotContain(Integer.toString(API_BACKEND.getAddress().getPort()));
    }

    @Test
    @Order(2)
    void aLongPollReturnsWhenTheRegistrySaysPassingWithANewIndex() throws Exception {
        Readiness before = notReadyWithApiServicePassing();

        CompletableFuture<HttpResponse<String>> poll = HTTP.sendAsync(request("/readiness?index=" + before.index() + "&wait=20s"),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<Long> answeredAt = poll.thenApply(r -> System.nanoTime());
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !poll.isDone());

        long flippedAt = System.nanoTime();
        CONSUL.check("pass", "ws-service-1");

        HttpResponse<String> answer = poll.get(5, java.util.concurrent.TimeUnit.SECONDS);
        long heardAfterMillis = (answeredAt.get() - flippedAt) / 1_000_000;
        System.out.printf("readiness long-poll heard the check turn passing after %d ms (%d cores)%n",
                heardAfterMillis, Runtime.getRuntime().availableProcessors());
        // The target is 200 ms; the bound is generous so that a loaded CI machine does not flake.
        assertThat(heardAfterMillis).isLessThan(1_000);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(body(answer).ready()).isTrue();
        assertThat(body(answer).index()).isGreaterThan(before.index());
    }

    @Test
    @Order(3)
    void unexpectedOrBadQueryValuesDoNoHarm() throws Exception {
        readyWithBothPassing();

        assertThat(get("/readiness?foo=bar&ready=false&%00=x").statusCode()).isEqualTo(200);
        assertThat(get("/readiness?wait=10s").statusCode()).as("wait without index answers at once").isEqualTo(200);
        HttpResponse<String> badIndex = get("/readiness?index=abc");
        assertThat(badIndex.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(badIndex.body()).path("error").asString()).contains("?index");
        assertThat(get("/readiness?index=-1").statusCode()).isEqualTo(400);
        assertThat(get("/readiness?index=1&wait=soon").statusCode()).isEqualTo(400);
        long index = body(get("/readiness")).index();
        assertThat(get("/readiness?index=" + (index - 1) + "&wait=999m").statusCode())
                .as("an old index answers at once, a too-long wait is clamped").isEqualTo(200);
    }

    @Test
    @Order(4)
    void readinessIsAlsoAMeter() throws Exception {
        readyWithBothPassing();

        HttpResponse<String> meter = getManagement("/actuator/metrics/gateway.readiness.ready");
        assertThat(meter.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(meter.body()).path("measurements").get(0).path("value").asDouble()).isEqualTo(1.0);
        HttpResponse<String> passing = getManagement("/actuator/metrics/gateway.readiness.passing.instances?tag=service:ws-service");
        assertThat(Json.MAPPER.readTree(passing.body()).path("measurements").get(0).path("value").asDouble()).isEqualTo(1.0);
    }

    @Test
    @Order(5)
    void thePublicPortServesTheProbesButNoActuatorEndpoint() throws Exception {
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        assertThat(get("/livez").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/metrics").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/health").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/gateway/routes").statusCode()).isEqualTo(404);
        assertThat(getManagement("/actuator/metrics").statusCode()).isEqualTo(200);
        assertThat(getManagement("/actuator/gateway/routes").statusCode()).as("not exposed").isEqualTo(404);
    }

    @Test
    @Order(6)
    void longPollsOverTheCapForOneAddressAreToldToAskAgainLater() throws Exception {
        Readiness before = notReadyWithApiServicePassing();
        String poll = "/readiness?index=" + before.index() + "&wait=20s";
        List<CompletableFuture<HttpResponse<String>>> held = List.of(
                HTTP.sendAsync(request(poll), HttpResponse.BodyHandlers.ofString()),
                HTTP.sendAsync(request(poll), HttpResponse.BodyHandlers.ofString()));
        await().atMost(Duration.ofSeconds(5)).until(() -> view.waiting() == 2);
        assertThat(metric("gateway.readiness.longpolls.held")).isEqualTo(2.0);

        HttpResponse<String> refused = get(poll);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(Json.MAPPER.readTree(refused.body()).path("error").asString()).contains("too many");
        assertThat(metric("gateway.readiness.longpolls.rejected?tag=cap:address")).isEqualTo(1.0);
        assertThat(get("/readiness").statusCode()).as("a plain request is never capped").isEqualTo(503);

        CONSUL.check("pass", "ws-service-1");
        for (CompletableFuture<HttpResponse<String>> answer : held) {
            assertThat(answer.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> metric("gateway.readiness.longpolls.held") == 0.0);
        long now = body(get("/readiness")).index();
        CompletableFuture<HttpResponse<String>> again = HTTP.sendAsync(request("/readiness?index=" + now + "&wait=100ms"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.get(5, TimeUnit.SECONDS).statusCode()).as("slots are given back").isEqualTo(200);
    }

    @Test
    @Order(7)
    void theReadinessHistoryListsTheAnswersOldestFirstEndingWithTheCurrentOne() throws Exception {
        notReadyWithApiServicePassing();
        CONSUL.check("pass", "ws-service-1");
        Readiness now = await().atMost(Duration.ofSeconds(5)).until(() -> body(get("/readiness")), Readiness::ready);

        HttpResponse<String> answer = get(Paths.READINESS_CHANGES);

        assertThat(answer.statusCode()).isEqualTo(200);
        List<ReadinessChange> changes = Json.MAPPER.readValue(answer.body(), ReadinessChange.History.class).changes();
        assertThat(changes).extracting(ReadinessChange::index).isSorted().doesNotHaveDuplicates();
        assertThat(changes.get(changes.size() - 1)).extracting(ReadinessChange::index, ReadinessChange::ready)
                .containsExactly(now.index(), true);
        assertThat(changes).anyMatch(c -> !c.ready() && c.index() < now.index());
        assertThat(changes).allMatch(c -> c.at() > 0 && c.at() <= System.currentTimeMillis());
    }

    @Test
    @Order(8)
    void routesOnlyToPassingInstancesWithNoStaleCache() throws Exception {
        CONSUL.check("pass", "ws-service-1");
        CONSUL.check("pass", "api-service-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/api/info").statusCode() == 200);

        CONSUL.check("fail", "api-service-1");

        await().atMost(Duration.ofSeconds(3)).until(() -> get("/api/info").statusCode() == 503);
        CONSUL.check("pass", "api-service-1");
        await().atMost(Duration.ofSeconds(3)).until(() -> get("/api/info").statusCode() == 200);
    }

    @Test
    @Order(99)
    void anUnreachableRegistryIs503SayingSoWithStaleCountsNeverA500() throws Exception {
        readyWithBothPassing();

        CONSUL.close();

        HttpResponse<String> answer = await().atMost(Duration.ofSeconds(10)).until(() -> get("/readiness"),
                r -> r.statusCode() == 503);
        Readiness readiness = body(answer);
        assertThat(readiness.registry()).isEqualTo(Readiness.REGISTRY_UNAVAILABLE);
        assertThat(readiness.stale()).isTrue();
        assertThat(readiness.services()).allMatch(s -> s.passing() == 1);
        assertThat(get("/api/info").statusCode()).as("routing keeps the last known instances").isEqualTo(200);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return LocalHttp.get(port, path);
    }

    private HttpResponse<String> getManagement(String path) throws Exception {
        return LocalHttp.get(managementPort, path);
    }

    private double metric(String nameAndQuery) throws Exception {
        HttpResponse<String> meter = getManagement("/actuator/metrics/" + nameAndQuery);
        assertThat(meter.statusCode()).as(meter.body()).isEqualTo(200);
        return Json.MAPPER.readTree(meter.body()).path("measurements").get(0).path("value").asDouble();
    }

    private HttpRequest request(String path) {
        return LocalHttp.request(port, path);
    }

    private static Readiness body(HttpResponse<String> response) {
        return Json.MAPPER.readValue(response.body(), Readiness.class);
    }

    /** ws-service's check failing, api-service's passing: the readiness the gateway answers once it has heard so. */
    private Readiness notReadyWithApiServicePassing() throws Exception {
        CONSUL.check("fail", "ws-service-1");
        CONSUL.check("pass", "api-service-1");
        return await().atMost(Duration.ofSeconds(5)).until(() -> body(get("/readiness")),
                r -> !r.ready() && r.services().get(1).passing() == 1);
    }

    /** Both checks passing, once the gateway answers ready. */
    private void readyWithBothPassing() throws Exception {
        CONSUL.check("pass", "ws-service-1");
        CONSUL.check("pass", "api-service-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/readiness").statusCode() == 200);
    }
}
