package dev.reconnect.consul.emulator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** A deliberately plain HTTP client for talking to an agent (emulated or real) in tests. */
public final class ConsulHttp {

    public static final ObjectMapper JSON = JsonMapper.builder().build();

    private final URI base;
    /** Headers sent with every request, e.g. X-Consul-Token for an agent with ACLs on. */
    private final String[] defaultHeaders;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public ConsulHttp(URI base, String... defaultHeaders) {
        this.base = base;
        this.defaultHeaders = defaultHeaders.clone();
    }

    public URI base() {
        return base;
    }

    /** One answer, with the parts tests look at. */
    public record Response(int status, HttpHeaders headers, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** X-Consul-Index as a number (-1 when missing). */
        public long index() {
            String value = header("X-Consul-Index");
            return value == null ? -1 : Long.parseLong(value);
        }
    }

    public Response get(String pathAndQuery) {
        return send("GET", pathAndQuery, null, Duration.ofSeconds(30));
    }

    /** For blocking queries: a timeout longer than the wait asked for. */
    public Response get(String pathAndQuery, Duration timeout) {
        return send("GET", pathAndQuery, null, timeout);
    }

    public Response put(String pathAndQuery) {
        return send("PUT", pathAndQuery, null, Duration.ofSeconds(30));
    }

    public Response put(String pathAndQuery, String body) {
        return send("PUT", pathAndQuery, body, Duration.ofSeconds(30));
    }

    public Response send(String method, String pathAndQuery, String body, Duration timeout, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < defaultHeaders.length; i += 2) {
            builder.header(defaultHeaders[i], defaultHeaders[i + 1]);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + pathAndQuery + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** PUT /v1/agent/service/register with a body written from maps and lists; fails the test on non-200. */
    public void register(Map<String, Object> definition) {
        Response response = put("/v1/agent/service/register", JSON.writeValueAsString(definition));
        if (response.status() != 200) {
            throw new AssertionError("registration failed: " + response.status() + " " + response.body());
        }
    }

    public static String json(Object value) {
        return JSON.writeValueAsString(value);
    }
}
