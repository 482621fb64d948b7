package dev.reconnect.support.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Prometheus scrapes {@code /actuator/prometheus} on the management port (ops/prometheus/prometheus.yml); the
 * dashboard (ops/grafana) queries each service's series by their Prometheus names, so a service's test names
 * them as Prometheus writes them (a timer becomes {@code <name>_seconds_count}, {@code _sum}, {@code _max}), not
 * as Micrometer names. A subclass is a {@code @SpringBootTest} on a random port with a management port of its own.
 */
public abstract class PrometheusEndpointContract {
    @LocalServerPort
    protected int port;

    @LocalManagementPort
    protected int managementPort;

    private final List<String> dashboardSeries;

    /** {@code dashboardSeries}: patterns ({@code (?m)^...}) the scrape must contain, the series the dashboard queries. */
    protected PrometheusEndpointContract(String... dashboardSeries) {
        this.dashboardSeries = List.of(dashboardSeries);
    }

    @Test
    void theManagementPortServesTheDashboardsSeriesInPrometheusFormat() throws Exception {
        HttpResponse<String> scrape = LocalHttp.get(managementPort, "/actuator/prometheus");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(dashboardSeries).as("the series this service's dashboard queries").isNotEmpty();
        AbstractStringAssert<?> body = assertThat(scrape.body());
        for (String series : dashboardSeries) {
            body.containsPattern(series);
        }
    }

    @Test
    void thePublicPortDoesNotServeIt() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        assertThat(LocalHttp.get(port, "/actuator/prometheus").statusCode()).isEqualTo(404);
    }
}
