package dev.reconnect.api;

import static dev.reconnect.support.testing.OpenApiDocs.assertDescribesOnly;
import static dev.reconnect.support.testing.OpenApiDocs.schemaRef;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.log.LogPage;
import dev.reconnect.support.testing.LocalHttp;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI description springdoc generates at {@code /v3/api-docs}: the API's paths and nothing
 * else, every status each operation really answers, and the query parameters with their types.
 */
// The same configuration as MessagesApiTest, so that both run in one cached application context.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "log.max-waiting-reads=2")
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDescriptionTest {
    @LocalServerPort
    int port;

    JsonNode doc;

    @BeforeAll
    void fetch() throws Exception {
        HttpResponse<String> answer = LocalHttp.get(port, "/v3/api-docs");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        doc = Json.MAPPER.readTree(answer.body());
    }

    @Test
    void describesTheApiPathsOnlyNotProbesOrActuator() {
        assertDescribesOnly(doc, Paths.MESSAGES, Paths.INFO);
    }

    @Test
    void publishListsEveryStatusItAnswers() {
        JsonNode post = doc.path("paths").path(Paths.MESSAGES).path("post");

        assertThat(post.path("responses").propertyNames()).containsExactlyInAnyOrder("201", "200", "400", "409", "413", "415", "503");
        assertThat(schemaRef(post.path("requestBody"))).endsWith("/PublishRequest");
        assertThat(post.path("requestBody").path("required").asBoolean()).isTrue();
        assertThat(schemaRef(post.path("responses").path("201"))).endsWith("/PublishResult");
        assertThat(schemaRef(post.path("responses").path("200"))).endsWith("/PublishResult");
        for (String error : List.of("400", "409", "413", "415", "503")) {
            assertThat(schemaRef(post.path("responses").path(error))).as("schema of %s", error).endsWith("/Error");
        }
        assertThat(post.path("responses").path("503").path("headers").has("Retry-After")).isTrue();
    }

    @Test
    void readListsItsParametersWithTheirTypesAndItsStatuses() {
        JsonNode get = doc.path("paths").path(Paths.MESSAGES).path("get");

        assertThat(get.path("responses").propertyNames()).containsExactlyInAnyOrder("200", "400", "429");
        assertThat(schemaRef(get.path("responses").path("200"))).endsWith("/LogPage");
        assertThat(get.path("responses").path("429").path("headers").has("Retry-After")).isTrue();
        JsonNode after = parameter(get, LogPage.PARAM_AFTER);
        JsonNode limit = parameter(get, LogPage.PARAM_LIMIT);
        JsonNode wait = parameter(get, LogPage.PARAM_WAIT);
        assertThat(after.path("schema").path("type").asString()).isEqualTo("integer");
        assertThat(limit.path("schema").path("type").asString()).isEqualTo("integer");
        assertThat(limit.path("schema").path("maximum").asInt()).isEqualTo(LogPage.MAX_LIMIT);
        assertThat(wait.path("schema").path("type").asString()).isEqualTo("string");
        for (JsonNode parameter : List.of(after, limit, wait)) {
            assertThat(parameter.path("in").asString()).isEqualTo("query");
            assertThat(parameter.path("required").asBoolean()).isFalse();
            assertThat(parameter.path("description").asString()).isNotBlank();
        }
    }

    @Test
    void infoAndTheErrorShapeAreDescribed() {
        assertThat(doc.path("paths").path(Paths.INFO).path("get").path("responses").propertyNames()).containsExactly("200");
        assertThat(doc.path("components").path("schemas").path("Error").path("properties").propertyNames())
                .containsExactly("error");
    }

    private static JsonNode parameter(JsonNode operation, String name) {
        return StreamSupport.stream(operation.path("parameters").spliterator(), false)
                .filter(p -> name.equals(p.path("name").asString()))
                .findFirst().orElseThrow(() -> new AssertionError("no parameter " + name + " in " + operation));
    }
}
