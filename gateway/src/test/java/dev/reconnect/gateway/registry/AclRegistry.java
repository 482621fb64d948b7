package dev.reconnect.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.consul.emulator.ConsulEmulator;
import dev.reconnect.consul.emulator.EmulatorConfig;
import dev.reconnect.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** Test helper: consul-emulator with ACLs enforced (default deny), and calls made with its management token. */
final class AclRegistry implements AutoCloseable {
    static final String TOKEN = "acl-test-management-token";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final ConsulEmulator emulator = ConsulEmulator.start(EmulatorConfig.builder().port(0).aclToken(TOKEN).build());

    int port() {
        return emulator.port();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + emulator.port();
    }

    /** A service with a TTL check, critical until {@link #pass}. */
    void register(String name, String id, int port) throws Exception {
        String body = "{\"ID\":\"" + id + "\",\"Name\":\"" + name + "\",\"Address\":\"127.0.0.1\",\"Port\":" + port
                + ",\"Check\":{\"TTL\":\"1h\"}}";
        send("PUT", "/v1/agent/service/register", body);
    }

    void pass(String serviceId) throws Exception {
        send("PUT", "/v1/agent/check/pass/service:" + serviceId, "");
    }

    /** What the registry holds, as seen with the management token. */
    JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("X-Consul-Token", TOKEN).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    private void send(String method, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("X-Consul-Token", TOKEN).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Override
    public void close() {
        emulator.close();
    }
}
