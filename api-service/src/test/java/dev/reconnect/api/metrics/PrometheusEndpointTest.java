package dev.reconnect.api.metrics;

import dev.reconnect.support.testing.PrometheusEndpointContract;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/** The log's series on the management port, as the dashboard (ops/grafana) queries them. */
// A random management port: the default 9081 may be taken by another build on the same machine.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
@ActiveProfiles("test")
class PrometheusEndpointTest extends PrometheusEndpointContract {
    PrometheusEndpointTest() {
        super(
                "(?m)^log_head(\\{[^}]*})? ",
                "(?m)^log_appends_seconds_count\\{[^}]*outcome=\"created\"",
                "(?m)^log_reads_waiting(\\{[^}]*})? ");
    }
}
