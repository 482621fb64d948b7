package dev.reconnect.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.consul.emulator.ConsulEmulator;
import dev.reconnect.consul.emulator.EmulatorConfig;
import dev.reconnect.protocol.RegistryMeta;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * consul-emulator on a free port as the registry a gateway under test watches, with what the tests do to it:
 * register instances with TTL checks and turn those checks passing or failing.
 */
public final class TestRegistry implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ConsulEmulator consul = ConsulEmulator.start(EmulatorConfig.builder().port(0).build());

    public int port() {
        return consul.port();
    }

    /** The gateway under test watches this registry, with Spring Cloud Consul's auto-registration off. */
    public void watchedBy(DynamicPropertyRegistry properties) {
        watchRegistryAt(properties, this::port);
        properties.add("spring.cloud.consul.discovery.register", () -> "false");
    }

    /**
     * The gateway under test watches the registry on 127.0.0.1 at {@code port}; its management port is a random
     * one, since the default may be taken by another build on the same machine.
     */
    public static void watchRegistryAt(DynamicPropertyRegistry properties, Supplier<Object> port) {
        properties.add("spring.cloud.consul.host", () -> "127.0.0.1");
        properties.add("spring.cloud.consul.port", port);
        properties.add("management.server.port", () -> "0");
    }

    /** Blocking queries that end soon and retries that come at once: changes reach the gateway within a test's patience. */
    public static void watchQuickly(DynamicPropertyRegistry properties) {
        properties.add("registry.watch-wait", () -> "2s");
        properties.add("registry.retry-delay", () -> "100ms");
    }

    /** An instance on 127.0.0.1 whose TTL check is critical until a test passes it. */
    public void register(String name, String id, int port) throws Exception {
        put("/v1/agent/service/register", registration(name, id, port, "", ""));
    }

    /** An instance whose TTL check passes at once: routable without waiting for a test to pass it. */
    public void registerPassing(String name, String id, int port) throws Exception {
        put("/v1/agent/service/register", registration(name, id, port, ",\"Status\":\"passing\"", ""));
    }

    /**
     * Like {@link #registerPassing(String, String, int)}, registering the new sessions per second it can take
     * (0: it says nothing about that).
     */
    public void registerPassing(String name, String id, int port, int connectsPerSecond) throws Exception {
        put("/v1/agent/service/register", registration(name, id, port, ",\"Status\":\"passing\"", connectsPerSecond == 0
                ? "" : ",\"Meta\":{\"" + RegistryMeta.CONNECTS_PER_SECOND + "\":\"" + connectsPerSecond + "\"}"));
    }

    /** {@code verdict} is the agent's word: pass, warn or fail. */
    public void check(String verdict, String serviceId) throws Exception {
        put("/v1/agent/check/" + verdict + "/service:" + serviceId, null);
    }

    public void pass(String serviceId) throws Exception {
        check("pass", serviceId);
    }

    public void deregister(String serviceId) throws Exception {
        put("/v1/agent/service/deregister/" + serviceId, null);
    }

    @Override
    public void close() {
        consul.close();
    }

    private static String registration(String name, String id, int port, String checkExtra, String serviceExtra) {
        return "{\"ID\":\"" + id + "\",\"Name\":\"" + name + "\",\"Address\":\"127.0.0.1\",\"Port\":" + port
                + serviceExtra + ",\"Check\":{\"TTL\":\"1h\"" + checkExtra + "}}";
    }

    private void put(String path, String body) throws Exception {
        HttpRequest.BodyPublisher content = body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(consul.baseUri().resolve(path)).PUT(content).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
