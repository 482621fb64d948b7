package dev.reconnect.ws.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.consul.emulator.ConsulEmulator;
import dev.reconnect.consul.emulator.EmulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The instance tells the registry itself that it is ready, the moment it is (service-support's ReadinessReporter):
 * its ready check turns passing although Consul's HTTP check runs only once an hour here and the ready check's own
 * refresh every 20 minutes, so only the report on the change can have passed it. Consul's HTTP check is left to
 * notice death, on /livez; it starts passing, and what a killed predecessor on the same port left in the registry
 * (a failed liveness check, a ready check still passing) is cleared before the instance registers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = {
        "spring.cloud.consul.enabled=true",
        "spring.cloud.consul.discovery.enabled=true",
        "spring.cloud.service-registry.auto-registration.enabled=true",
        "spring.cloud.consul.discovery.health-check-interval=1h",
        "registration.readiness-ttl=1h",
        "registration.check-interval=200ms",
        // Long enough that the test sees "not ready" although start-up returns only once the warm-up is over.
        "ws.startup-delay=5s"})
@ActiveProfiles("test")
class ReadinessReachesTheRegistryTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ConsulEmulator REGISTRY = ConsulEmulator.start(EmulatorConfig.builder().port(0).build());
    /** A fixed port, as in a real start: the instance ID, and its predecessor's, is ws-service-PORT. */
    private static final int PORT = freePort();
    private static final String INSTANCE = "ws-service-" + PORT;
    private static final String READY_CHECK = "service:" + INSTANCE + ":ready";

    @TestConfiguration
    static class Log {
        @Bean
        @Primary
        ScriptedLog scriptedLog() {
            return new ScriptedLog(10);
        }
    }

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry properties) throws Exception {
        properties.add("spring.cloud.consul.host", () -> "127.0.0.1");
        properties.add("spring.cloud.consul.port", REGISTRY::port);
        properties.add("server.port", () -> PORT);
        // A predecessor on this port, killed: its liveness check failed, its ready check had not expired yet.
        put("/v1/agent/service/register", "{\"ID\":\"" + INSTANCE + "\",\"Name\":\"ws-service\",\"Address\":\"127.0.0.1\","
                + "\"Port\":" + PORT + ",\"Checks\":[{\"TTL\":\"1h\",\"Status\":\"critical\"},"
                + "{\"CheckID\":\"" + READY_CHECK + "\",\"TTL\":\"1h\",\"Status\":\"passing\"}]}");
        assertThat(check("service:" + INSTANCE + ":1").path("Status").asString()).isEqualTo("critical");
    }

    @AfterAll
    static void stopRegistry() {
        REGISTRY.close();
    }

    @Test
    void theInstancePassesTheMomentItIsReadyAndAgainAfterTheRegistryForgotIt() throws Exception {
        // Warm, but held back by the start-up delay: the instance said "not ready" when it registered.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(readyCheck().path("Output").asString()).isEqualTo("not-ready"));
        assertThat(readyCheck().path("Status").asString()).isEqualTo("critical");
        assertThat(passingInstances()).isEmpty();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(passingInstances()).containsExactly(INSTANCE));
        assertThat(readyCheck().path("Output").asString()).isEqualTo("ready");
        assertThat(check("service:" + INSTANCE + ":1").path("Type").asString()).as("the liveness check").isEqualTo("http");

        // The registry forgot the instance (an agent restart does that): the keeper registers it again, with a
        // fresh, critical ready check, and the instance reports "ready" on it at once.
        put("/v1/agent/service/deregister/" + INSTANCE, "");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(passingInstances()).containsExactly(INSTANCE));
    }

    private static JsonNode readyCheck() throws Exception {
        return check(READY_CHECK);
    }

    private static List<String> passingInstances() throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode entry : JSON.readTree(get("/v1/health/service/ws-service?passing"))) {
            ids.add(entry.path("Service").path("ID").asString());
        }
        return ids;
    }

    /** The named check of ws-service's instance; a missing node when there is none. */
    private static JsonNode check(String id) throws Exception {
        for (JsonNode check : JSON.readTree(get("/v1/health/checks/ws-service"))) {
            if (check.path("CheckID").asString().equals(id)) {
                return check;
            }
        }
        return JSON.missingNode();
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(REGISTRY.baseUri() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }

    private static void put(String path, String body) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(REGISTRY.baseUri() + path))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
