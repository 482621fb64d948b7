package dev.reconnect.gateway.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static dev.reconnect.support.testing.OpenApiDocs.assertDescribesOnly;
import static dev.reconnect.support.testing.OpenApiDocs.schemaRef;

import com.sun.net.httpserver.HttpServer;
import dev.reconnect.gateway.testing.JsonBackend;
import dev.reconnect.gateway.testing.TestRegistry;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.readiness.Readiness;
import dev.reconnect.support.testing.LocalHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI description at the gateway's {@code /v3/api-docs}: answered by the gateway itself (never
 * proxied to a backend), describing its readiness controllers only, with every status and parameter.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadinessDescriptionTest {
    private static final TestRegistry CONSUL = new TestRegistry();
    /** Paths the api-service stand-in was asked for, through the gateway's /api/** route or any other. */
    private static final Queue<String> PROXIED = new ConcurrentLinkedQueue<>();
    private static final HttpServer API_BACKEND = JsonBackend.start("/", "{\"proxied\":true}", PROXIED::add);

    @LocalServerPort
    int port;

    JsonNode doc;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        CONSUL.watchedBy(registry);
    }

    /**
     * With a passing api-service instance that answers every path, a /v3/api-docs that the gateway
     * routed anywhere would come back from that instance: so the routing is shown to work first.
     */
    @BeforeAll
    void fetchWithABackendThatAnswersEverything() throws Exception {
        CONSUL.registerPassing("api-service", "api-service-1", API_BACKEND.getAddress().getPort());
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/info").body().contains("proxied"));

        HttpResponse<String> answer = get("/v3/api-docs");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain("proxied");
        assertThat(PROXIED).doesNotContain("/v3/api-docs");
        doc = Json.MAPPER.readTree(answer.body());
    }

    @AfterAll
    void stop() {
        API_BACKEND.stop(0);
        CONSUL.close();
    }

    @Test
    void describesTheReadinessControllersOnlyNotProxiedRoutesProbesOrActuator() {
        assertDescribesOnly(doc, Paths.READINESS, Paths.READINESS_CHANGES);
    }

    @Test
    void readinessListsEveryStatusItAnswersAndItsParameters() {
        JsonNode get = doc.path("paths").path(Paths.READINESS).path("get");
        JsonNode responses = get.path("responses");

        assertThat(responses.propertyNames()).containsExactlyInAnyOrder("200", "503", "400", "429");
        assertThat(schemaRef(responses.path("200"))).endsWith("/Readiness");
        assertThat(schemaRef(responses.path("503"))).endsWith("/Readiness");
        assertThat(schemaRef(responses.path("400"))).endsWith("/Error");
        assertThat(schemaRef(responses.path("429"))).endsWith("/Error");
        assertThat(responses.path("503").path("headers").has("Retry-After")).isTrue();
        assertThat(responses.path("429").path("headers").has("Retry-After")).isTrue();

        List<JsonNode> parameters = StreamSupport.stream(get.path("parameters").spliterator(), false).toList();
        assertThat(parameters).extracting(p -> p.path("name").asString())
                .containsExactlyInAnyOrder(Readiness.PARAM_INDEX, Readiness.PARAM_WAIT);
        for (JsonNode parameter : parameters) {
            assertThat(parameter.path("in").asString()).isEqualTo("query");
            assertThat(parameter.path("required").asBoolean()).isFalse();
            assertThat(parameter.path("description").asString()).isNotBlank();
        }
        assertThat(parameters).filteredOn(p -> Readiness.PARAM_INDEX.equals(p.path("name").asString()))
                .singleElement().satisfies(p -> assertThat(p.path("schema").path("type").asString()).isEqualTo("integer"));
    }

    @Test
    void theChangesAndTheReadinessBodyAreDescribed() {
        JsonNode changes = doc.path("paths").path(Paths.READINESS_CHANGES).path("get").path("responses");
        assertThat(changes.propertyNames()).containsExactly("200");
        assertThat(schemaRef(changes.path("200"))).endsWith("/History");

        assertThat(doc.path("components").path("schemas").path("Readiness").path("properties").propertyNames())
                .containsExactlyInAnyOrder("ready", "registry", "stale", "index", "services", "connectSpreadMillis");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return LocalHttp.get(port, path);
    }
}
