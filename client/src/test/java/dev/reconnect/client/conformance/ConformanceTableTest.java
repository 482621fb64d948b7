package dev.reconnect.client.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.ClientState;
import dev.reconnect.client.ClientStats;
import dev.reconnect.client.ReadinessCheck;
import dev.reconnect.client.readiness.HttpAnswer;
import dev.reconnect.client.testing.FakeReadiness;
import dev.reconnect.client.testing.FakeSockets;
import dev.reconnect.client.testing.Harness;
import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.readiness.Readiness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

/**
 * Runs the shared conformance table ({@code conformance/reconnect-policy.json} at the repository root, which
 * the browser client's tests run too) against the Java engine on the fake clock: the same steps, the same
 * transitions, delays and counters. The table's "about" says what each step and expectation means.
 */
class ConformanceTableTest {
    static final Path TABLE = Path.of("..", "conformance", "reconnect-policy.json");

    @TestFactory
    Stream<DynamicTest> everyCaseOfTheTable() throws Exception {
        JsonNode table = Json.MAPPER.readTree(Files.readString(TABLE));
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode testCase : table.get("cases")) {
            tests.add(DynamicTest.dynamicTest(testCase.get("name").asString(), () -> run(table.get("defaults"), testCase)));
        }
        assertThat(tests).as("cases in " + TABLE).isNotEmpty();
        return tests.stream();
    }

    private static void run(JsonNode defaults, JsonNode testCase) {
        UnaryOperator<ClientConfig.Builder> config = builder -> configOf(testCase.path("config"))
                .apply(configOf(defaults).apply(builder));
        Harness h = new Harness(config, Harness.alwaysMax());
        h.start(testCase.path("startAfterSeq").asLong(0));
        int stepNumber = 0;
        for (JsonNode step : testCase.get("steps")) {
            stepNumber++;
            Map.Entry<String, JsonNode> only = step.properties().iterator().next();
            String where = "step " + stepNumber + " " + step + ", transitions so far " + h.stateSequence();
            apply(h, only.getKey(), only.getValue(), where);
        }
        List<String> expected = new ArrayList<>();
        testCase.get("transitions").forEach(state -> expected.add(state.asString()));
        assertThat(h.stateSequence()).as("transitions").map(ClientState::name).containsExactlyElementsOf(expected);
    }

    private static UnaryOperator<ClientConfig.Builder> configOf(JsonNode config) {
        return builder -> {
            JsonNode backoff = config.path("backoffMs");
            if (!backoff.isMissingNode()) {
                builder.backoff(Duration.ofMillis(backoff.get("initial").asLong()), backoff.get("multiplier").asDouble(),
                        Duration.ofMillis(backoff.get("max").asLong()));
            }
            if (config.has("minimumUptimeMs")) {
                builder.minimumUptime(Duration.ofMillis(config.get("minimumUptimeMs").asLong()));
            }
            JsonNode breaker = config.path("breaker");
            if (!breaker.isMissingNode()) {
                builder.circuitBreaker(breaker.get("failures").asInt(), Duration.ofMillis(breaker.get("openMs").asLong()));
            }
            if (config.has("giveUpAfterAttempts")) {
                builder.giveUpAfterAttempts(config.get("giveUpAfterAttempts").asInt());
            }
            if (config.has("giveUpAfterMs")) {
                builder.giveUpAfter(Duration.ofMillis(config.get("giveUpAfterMs").asLong()));
            }
            return builder;
        };
    }

    private static void apply(Harness h, String kind, JsonNode value, String where) {
        switch (kind) {
            case "readiness" -> pendingReadiness(h, where).answer(answer(value));
            case "readinessUnreachable" -> pendingReadiness(h, where).refuse();
            case "open" -> socket(h, where).open();
            case "welcome" -> socket(h, where).welcome(value.get("head").asLong(), value.get("heartbeatMs").asLong());
            case "messages" -> value.forEach(seq -> socket(h, where).message(seq.asLong()));
            case "garbage" -> socket(h, where).raw(value.asString());
            case "serverClose" -> socket(h, where).serverClose(value.get("code").asInt(), value.get("reason").asString());
            case "refused" -> socket(h, where).refuse();
            case "rejectUpgrade" -> socket(h, where).rejectUpgrade(value.asInt());
            case "advance" -> h.advance(Duration.ofMillis(value.asLong()));
            case "expect" -> expect(h, value, where);
            default -> throw new IllegalArgumentException("unknown step '" + kind + "' at " + where);
        }
    }

    private static HttpAnswer answer(JsonNode value) {
        int status = value.path("status").asInt(200);
        String retryAfter = value.has("retryAfter") ? value.get("retryAfter").asString() : null;
        if (status == 429) {
            return retryAfter == null ? HttpAnswer.of(status, "") : HttpAnswer.of(status, "", retryAfter);
        }
        boolean ready = value.get("ready").asBoolean();
        Readiness readiness = new Readiness(ready, Readiness.REGISTRY_UP, false, value.get("index").asLong(), List.of(
                Readiness.ServiceReadiness.of("ws-service", ready ? 1 : 0),
                Readiness.ServiceReadiness.of("api-service", 1)), value.path("spreadMs").asLong(0));
        String body = Json.MAPPER.writeValueAsString(readiness);
        return retryAfter == null ? HttpAnswer.of(status, body) : HttpAnswer.of(status, body, retryAfter);
    }

    private static FakeReadiness.Request pendingReadiness(Harness h, String where) {
        assertThat(h.readiness.count()).as("a readiness request to answer at " + where).isPositive();
        List<FakeReadiness.Request> pending = h.readiness.requests().stream().filter(r -> !r.future.isDone()).toList();
        assertThat(pending).as("exactly one readiness request waiting for its answer at " + where).hasSize(1);
        return pending.get(0);
    }

    private static FakeSockets.Conn socket(Harness h, String where) {
        assertThat(h.sockets.count()).as("a socket at " + where).isPositive();
        return h.sockets.last();
    }

    private static void expect(Harness h, JsonNode expected, String where) {
        ClientStats stats = h.client.stats();
        expected.properties().forEach(entry -> {
            JsonNode value = entry.getValue();
            String as = entry.getKey() + " at " + where;
            switch (entry.getKey()) {
                case "state" -> assertThat(h.state().name()).as(as).isEqualTo(value.asString());
                case "connects" -> assertThat(h.sockets.count()).as(as).isEqualTo(value.asInt());
                case "readinessRequests" -> assertThat(h.readiness.count()).as(as).isEqualTo(value.asInt());
                case "lastCheckNextTryMs" -> assertThat(h.checks).as(as).isNotEmpty().last()
                        .extracting(ReadinessCheck::nextTry).isEqualTo(java.util.Optional.of(Duration.ofMillis(value.asLong())));
                case "helloLastSeq" -> assertThat(socket(h, where).sent(Frame.Hello.class)).as(as).isNotEmpty().last()
                        .extracting(Frame.Hello::lastSeq).isEqualTo(value.asLong());
                case "lastSeq" -> assertThat(stats.lastSeq()).as(as).isEqualTo(value.asLong());
                case "received" -> assertThat(stats.received()).as(as).isEqualTo(value.asLong());
                case "duplicates" -> assertThat(stats.duplicates()).as(as).isEqualTo(value.asLong());
                case "lost" -> assertThat(stats.lost()).as(as).isEqualTo(value.asLong());
                case "breaker" -> assertThat(h.client.circuitBreakerState().name()).as(as).isEqualTo(value.asString());
                default -> throw new IllegalArgumentException("unknown expectation '" + entry.getKey() + "' at " + where);
            }
        });
    }
}
