package dev.reconnect.ws.stream;

import dev.reconnect.support.testing.PrometheusEndpointContract;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/** The stream's series on the management port, as the dashboard (ops/grafana) queries them. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@Import(StreamHandlerTest.FakeLogConfiguration.class)
class PrometheusEndpointTest extends PrometheusEndpointContract {
    PrometheusEndpointTest() {
        super(
                "(?m)^ws_sessions(\\{[^}]*})? ",
                "(?m)^ws_sessions_closed_total\\{[^}]*reason=\"too_slow\"",
                "(?m)^ws_publishes_rejected_total\\{");
    }
}
