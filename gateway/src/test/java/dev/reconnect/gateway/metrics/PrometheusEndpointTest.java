package dev.reconnect.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.consul.emulator.ConsulEmulator;
import dev.reconnect.consul.emulator.EmulatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Prometheus scrapes {@code /actuator/prometheus} on the management port (ops/prometheus/prometheus.yml); the
 * dashboard (ops/grafana) queries these series by their Prometheus names, so the names are asserted here as
 * Prometheus writes them, not as Micrometer names.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PrometheusEndpointTest {
    private static final ConsulEmulator CONSUL = ConsulEmulator.start(EmulatorConfig.builder().port(0).build());
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.consul.host", () -> "127.0.0.1");
        registry.add("spring.cloud.consul.port", CONSUL::port);
        registry.add("spring.cloud.consul.discovery.register", () -> "false");
        // A random management port: the default 9080 may be taken by another build on the same machine.
        registry.add("management.server.port", () -> "0");
    }

    @AfterAll
    static void stop() {
        CONSUL.close();
    }

    @Test
    void theManagementPortServesTheDashboardsSeriesInPrometheusFormat() throws Exception {
        HttpResponse<String> scrape = get(managementPort, "/actuator/prometheus");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(scrape.body())
                .containsPattern("(?m)^gateway_readiness_ready(\\{[^}]*})? ")
                .containsPattern("(?m)^gateway_registry_stale(\\{[^}]*})? ")
                .containsPattern("(?m)^gateway_readiness_passing_instances\\{[^}]*service=\"ws-service\"")
                .containsPattern("(?m)^gateway_readiness_passing_instances\\{[^}]*service=\"api-service\"");
    }

    @Test
    void thePublicPortDoesNotServeIt() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        assertThat(get(port, "/actuator/prometheus").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
