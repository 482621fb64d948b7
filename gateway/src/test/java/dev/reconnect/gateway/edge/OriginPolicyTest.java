package dev.reconnect.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
    private final OriginPolicy policy = new OriginPolicy(List.of("https://App.Example.com"));
    private final URI request = URI.create("http://gateway.local:8080/ws");

    @Test
    void theGatewaysOwnOriginWithTheSameSchemeHostAndPort() {
        assertThat(policy.allows("http://gateway.local:8080", request)).isTrue();
        assertThat(policy.allows("http://GATEWAY.local:8080/", request)).isTrue();
        assertThat(policy.allows("http://gateway.local", URI.create("http://gateway.local/ws"))).as("default port").isTrue();
        assertThat(policy.allows("http://gateway.local:80", URI.create("http://gateway.local/ws"))).isTrue();

        assertThat(policy.allows("https://gateway.local:8080", request)).as("other scheme").isFalse();
        assertThat(policy.allows("http://gateway.local:8081", request)).as("other port").isFalse();
        assertThat(policy.allows("http://evil.gateway.local:8080", request)).as("other host").isFalse();
    }

    @Test
    void configuredOriginsComparedWithoutCaseAndWithTheirDefaultPort() {
        assertThat(policy.allows("https://app.example.com", request)).isTrue();
        assertThat(policy.allows("https://app.example.com:443", request)).isTrue();
        assertThat(policy.allows("http://app.example.com", request)).isFalse();
    }

    @Test
    void anythingThatIsNotAPlainOriginIsRefused() {
        for (String origin : List.of("null", "", "file://", "https://app.example.com/path", "https://u@app.example.com",
                "javascript:alert(1)", "ht tp://x", "https://app.example.com?x=1")) {
            assertThat(policy.allows(origin, request)).as(origin).isFalse();
        }
    }

    @Test
    void aMistakeInTheConfigurationStopsStartUpWithItsName() {
        assertThatThrownBy(() -> new OriginPolicy(List.of("app.example.com")))
                .hasMessageContaining("edge.allowed-origins").hasMessageContaining("app.example.com");
    }
}
