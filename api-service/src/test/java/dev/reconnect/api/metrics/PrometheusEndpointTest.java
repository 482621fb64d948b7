package dev.reconnect.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Prometheus scrapes {@code /actuator/prometheus} on the management port (ops/prometheus/prometheus.yml); the
 * dashboard (ops/grafana) queries these series by their Prometheus names, so the names are asserted here as
 * Prometheus writes them (a timer becomes {@code <name>_seconds_count}, {@code _sum}, {@code _max}).
 */
// A random management port: the default 9081 may be taken by another build on the same machine.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
@ActiveProfiles("test")
class PrometheusEndpointTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void theManagementPortServesTheDashboardsSeriesInPrometheusFormat() throws Exception {
        HttpResponse<String> scrape = get(managementPort, "/actuator/prometheus");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(scrape.body())
                .containsPattern("(?m)^log_head(\\{[^}]*})? ")
                .containsPattern("(?m)^log_appends_seconds_count\\{[^}]*outcome=\"created\"")
                .containsPattern("(?m)^log_reads_waiting(\\{[^}]*})? ");
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
