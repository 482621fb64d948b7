package dev.reconnect.support.testing;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;

/** Reading the OpenAPI description springdoc generates at {@code /v3/api-docs}. */
public final class OpenApiDocs {
    private OpenApiDocs() {
    }

    /** {@code doc} is an OpenAPI 3 description of exactly {@code paths}: nothing else the server answers. */
    public static void assertDescribesOnly(JsonNode doc, String... paths) {
        assertThat(doc.path("openapi").asString()).startsWith("3.");
        assertThat(doc.path("paths").propertyNames()).containsExactlyInAnyOrder(paths);
    }

    /** The {@code $ref} of the JSON schema of a response or request body ({@code ""} when it has none). */
    public static String schemaRef(JsonNode withContent) {
        return withContent.path("content").path("application/json").path("schema").path("$ref").asString();
    }
}
