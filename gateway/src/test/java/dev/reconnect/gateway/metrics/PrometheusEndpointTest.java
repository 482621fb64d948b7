package dev.reconnect.gateway.metrics;

import dev.reconnect.gateway.testing.TestRegistry;
import dev.reconnect.support.testing.PrometheusEndpointContract;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Readiness and the registry's state on the management port, as the dashboard (ops/grafana) queries them. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PrometheusEndpointTest extends PrometheusEndpointContract {
    private static final TestRegistry CONSUL = new TestRegistry();

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        CONSUL.watchedBy(registry);
    }

    @AfterAll
    static void stop() {
        CONSUL.close();
    }

    PrometheusEndpointTest() {
        super(
                "(?m)^gateway_readiness_ready(\\{[^}]*})? ",
                "(?m)^gateway_registry_stale(\\{[^}]*})? ",
                "(?m)^gateway_readiness_passing_instances\\{[^}]*service=\"ws-service\"",
                "(?m)^gateway_readiness_passing_instances\\{[^}]*service=\"api-service\"");
    }
}
