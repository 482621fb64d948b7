package dev.reconnect.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole gateway against a registry that enforces ACLs, configured as in production with
 * spring.cloud.consul.token: it registers itself, and readiness turns ready once the required services
 * are passing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GatewayAclReadinessTest {
    private static final AclRegistry REGISTRY = new AclRegistry();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry properties) {
        properties.add("spring.cloud.consul.host", () -> "127.0.0.1");
        properties.add("spring.cloud.consul.port", REGISTRY::port);
        properties.add("spring.cloud.consul.token", () -> AclRegistry.TOKEN);
        properties.add("registry.watch-wait", () -> "2s");
        properties.add("registry.retry-delay", () -> "100ms");
        properties.add("management.server.port", () -> "0");
    }

    @AfterAll
    static void stop() {
        REGISTRY.close();
    }

    @Test
    void withTheTokenReadinessTurnsReadyWhenTheServicesArePassing() throws Exception {
        assertThat(REGISTRY.get("/v1/agent/services").properties())
                .as("the gateway registered itself with the token")
                .anyMatch(entry -> entry.getValue().path("Service").asString("").equals("gateway"));
        REGISTRY.register("ws-service", "ws-service-1", 1);
        REGISTRY.register("api-service", "api-service-1", 2);
        assertThat(get("/readiness").statusCode()).as("critical checks: not ready").isEqualTo(503);

        REGISTRY.pass("ws-service-1");
        REGISTRY.pass("api-service-1");

        await().atMost(Duration.ofSeconds(10)).until(() -> get("/readiness").statusCode() == 200);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
