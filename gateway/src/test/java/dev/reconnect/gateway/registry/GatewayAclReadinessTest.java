package dev.reconnect.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.gateway.testing.TestRegistry;
import dev.reconnect.support.testing.LocalHttp;
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

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry properties) {
        TestRegistry.watchRegistryAt(properties, REGISTRY::port);
        TestRegistry.watchQuickly(properties);
        properties.add("spring.cloud.consul.token", () -> AclRegistry.TOKEN);
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
        assertThat(LocalHttp.get(port, "/readiness").statusCode()).as("critical checks: not ready").isEqualTo(503);

        REGISTRY.pass("ws-service-1");
        REGISTRY.pass("api-service-1");

        await().atMost(Duration.ofSeconds(10)).until(() -> LocalHttp.get(port, "/readiness").statusCode() == 200);
    }
}
