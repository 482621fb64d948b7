package dev.reconnect.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.log.PublishRequest;
import dev.reconnect.protocol.log.PublishResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code publish} against a scripted message API: retries keep the key, nothing is stored twice. */
class PublishCommandTest {
    private HttpServer server;
    private final List<PublishRequest> received = new ArrayList<>();
    private final Map<String, Long> stored = new LinkedHashMap<>();
    private int failuresToGo;
    private int refuseWith;

    @BeforeEach
    void startApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(Paths.MESSAGES, exchange -> {
            PublishRequest request = Json.MAPPER.readValue(exchange.getRequestBody().readAllBytes(), PublishRequest.class);
            int status;
            String body;
            synchronized (this) {
                received.add(request);
                if (refuseWith != 0) {
                    status = refuseWith;
                    body = "{\"error\":\"key reused with another body\"}";
                } else if (failuresToGo > 0) {
                    failuresToGo--;
                    status = 503;
                    body = "{\"error\":\"message log unavailable\"}";
                    exchange.getResponseHeaders().add("Retry-After", "0");
                } else {
                    boolean duplicate = stored.containsKey(request.key());
                    long seq = stored.computeIfAbsent(request.key(), k -> (long) stored.size() + 1);
                    status = duplicate ? 200 : 201;
                    body = Json.MAPPER.writeValueAsString(new PublishResult(request.key(), seq, duplicate));
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopApi() {
        server.stop(0);
    }

    private String gateway() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void publishesInOrderRetryingUnderTheSameKey() {
        failuresToGo = 3;
        CliRun run = CliRun.run("publish", "--gateway", gateway(), "--count", "5", "--rate", "200", "--json",
                "--body", "hello {n}", "--retry-max", "200ms");

        assertThat(run.exitCode).isEqualTo(ExitCodes.OK);
        List<JsonNode> events = run.outLines().stream().map(Json.MAPPER::readTree).collect(Collectors.toList());
        List<JsonNode> published = events.stream().filter(e -> e.path("event").asString().equals("published"))
                .collect(Collectors.toList());
        assertThat(published).extracting(e -> e.path("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(published).allSatisfy(e -> assertThat(e.path("key").asString()).isNotBlank());
        JsonNode summary = events.get(events.size() - 1);
        assertThat(summary.path("event").asString()).isEqualTo("publish-summary");
        assertThat(summary.path("published").asLong()).isEqualTo(5);
        assertThat(summary.path("retries").asLong()).isEqualTo(3);

        // the first message was tried four times, always with the same key and body
        List<PublishRequest> firstMessage = received.stream().filter(r -> r.body().equals("hello 1"))
                .collect(Collectors.toList());
        assertThat(firstMessage).hasSize(4);
        assertThat(firstMessage.stream().map(PublishRequest::key).distinct()).hasSize(1);
        assertThat(stored).hasSize(5);
        assertThat(received.stream().map(PublishRequest::body).distinct())
                .containsExactly("hello 1", "hello 2", "hello 3", "hello 4", "hello 5");
    }

    @Test
    void aRefusalForGoodEndsWithExitCode1() {
        refuseWith = 409;
        CliRun run = CliRun.run("publish", "--gateway", gateway(), "--count", "3");
        assertThat(run.exitCode).isEqualTo(ExitCodes.CLIENT_FAILED);
        assertThat(run.out).contains("publish refused for good: HTTP 409: key reused with another body");
        assertThat(received).hasSize(1);
    }

    @Test
    void aBodyTheServerWouldRefuseIsABadUsageAndIsNeverSent() {
        String quotes = "\"".repeat(33_000); // 66,000 bytes once JSON-escaped
        CliRun run = CliRun.run("publish", "--gateway", gateway(), "--count", "1", "--body", quotes);

        assertThat(run.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err).contains("--body gives message 1 a body the server would refuse")
                .contains("the limit is 65536 bytes");
        assertThat(received).isEmpty();
    }

    @Test
    void humanModePrintsASummary() {
        CliRun run = CliRun.run("publish", "--gateway", gateway(), "--count", "3", "--rate", "100");
        assertThat(run.exitCode).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines().get(run.outLines().size() - 1))
                .endsWith("done: published 3 message(s), last seq 3, 0 retries");
    }
}
