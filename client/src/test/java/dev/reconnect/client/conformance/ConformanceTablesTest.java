package dev.reconnect.client.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.ClientState;
import dev.reconnect.client.session.CloseDescription;
import dev.reconnect.client.session.PublishReplies;
import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.Json;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The tables of {@code conformance/reconnect-policy.json} that each client would otherwise copy by hand
 * (allowed transitions, default settings, close codes, publish error codes), checked against the Java
 * client's own code. The browser client's conformance.test.js checks the same sections against its code,
 * so a change on one side that the table does not follow fails a test, and so does a change of the table
 * that a side does not follow.
 */
class ConformanceTablesTest {
    private static JsonNode table;

    @BeforeAll
    static void readTable() throws Exception {
        table = Json.MAPPER.readTree(Files.readString(ConformanceTableTest.TABLE));
    }

    @Test
    void allowedTransitionsAreClientStateCanMoveTo() {
        JsonNode allowed = table.get("allowedTransitions");
        assertThat(allowed.propertyNames()).as("the states of allowedTransitions")
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(ClientState.values()).map(Enum::name).toList());
        for (ClientState from : ClientState.values()) {
            Set<String> listed = new TreeSet<>();
            allowed.get(from.name()).forEach(to -> listed.add(to.asString()));
            for (ClientState to : ClientState.values()) {
                assertThat(from.canMoveTo(to)).as(from + " -> " + to).isEqualTo(listed.contains(to.name()));
            }
        }
    }

    @Test
    void clientDefaultsAreClientConfigDefaults() {
        ClientConfig config = ClientConfig.custom().gateway("http://gateway.test:8080").build();
        Map<String, Number> java = new HashMap<>();
        java.put("backoffInitialMs", config.backoff().initial().toMillis());
        java.put("backoffMultiplier", config.backoff().multiplier());
        java.put("backoffMaxMs", config.backoff().max().toMillis());
        java.put("readinessWaitMs", config.readiness().longPollWait().toMillis());
        java.put("readinessTimeoutMs", config.readiness().timeout().toMillis());
        java.put("connectTimeoutMs", config.connection().connectTimeout().toMillis());
        java.put("minimumUptimeMs", config.connection().minimumUptime().toMillis());
        java.put("heartbeatMisses", ClientConfig.HEARTBEAT_MISSES);
        java.put("fallbackHeartbeatTimeoutMs", ClientConfig.FALLBACK_HEARTBEAT_TIMEOUT.toMillis());
        java.put("maxPending", config.sendBufferSize());
        java.put("resendInitialMs", PublishReplies.RESEND_INITIAL.toMillis());
        java.put("resendMaxMs", PublishReplies.RESEND_MAX.toMillis());
        java.put("breakerFailures", config.breaker().failures());
        java.put("breakerOpenWaitMs", config.breaker().openWait().toMillis());
        java.put("giveUpAttempts", config.giveUp().attempts().isPresent() ? config.giveUp().attempts().getAsInt() : null);
        java.put("giveUpAfterMs", config.giveUp().after().map(Duration::toMillis).orElse(null));

        List<String> inTable = new ArrayList<>();
        table.get("clientDefaults").properties().forEach(entry -> {
            JsonNode value = entry.getValue().isObject() ? entry.getValue().path("java") : entry.getValue();
            if (value.isMissingNode()) {
                return; // a setting only the browser client has
            }
            String name = entry.getKey();
            inTable.add(name);
            assertThat(java).as("the table's setting " + name).containsKey(name);
            if (value.isNull()) {
                assertThat(java.get(name)).as(name).isNull();
            } else {
                assertThat(java.get(name)).as(name).isNotNull();
                assertThat(java.get(name).doubleValue()).as(name).isEqualTo(value.asDouble());
            }
        });
        assertThat(inTable).as("the table names every default compared here").containsExactlyInAnyOrderElementsOf(java.keySet());
    }

    @Test
    void closeCodesAreCloseCodesAndCloseDescription() {
        JsonNode closeCodes = table.get("closeCodes");
        assertThat(closeCodes.size()).as("close codes in the table").isPositive();
        for (JsonNode row : closeCodes) {
            int code = row.get("code").asInt();
            String reason = row.get("reason").asString();
            String kind = CloseCodes.isTerminal(code) ? "terminal" : CloseCodes.isSessionClose(code) ? "session" : "drop";
            assertThat(kind).as("close " + code).isEqualTo(row.get("kind").asString());
            assertThat(CloseDescription.of(code, reason)).as("close " + code + " \"" + reason + "\"")
                    .isEqualTo(row.get("described").asString());
        }
    }

    /** A code added to CloseCodes without a row would be told by each client its own way, and nothing would say so. */
    @Test
    void everyCloseCodeTheProtocolNamesHasARow() throws IllegalAccessException {
        Set<Integer> listed = new TreeSet<>();
        table.get("closeCodes").forEach(row -> listed.add(row.get("code").asInt()));
        Set<Integer> named = new TreeSet<>();
        for (Field field : CloseCodes.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class
                    && !field.getName().endsWith("_FIRST") && !field.getName().endsWith("_LAST")) {
                named.add(field.getInt(null));
            }
        }
        assertThat(listed).as("close codes in the table").containsAll(named);
    }

    @Test
    void publishErrorsAreErrorCodes() throws IllegalAccessException {
        JsonNode errors = table.get("publishErrors");
        Set<String> listed = new TreeSet<>();
        errors.get("retryable").forEach(code -> {
            listed.add(code.asString());
            assertThat(ErrorCodes.isRetryable(code.asString())).as(code.asString() + " is retryable").isTrue();
        });
        errors.get("final").forEach(code -> {
            listed.add(code.asString());
            assertThat(ErrorCodes.isRetryable(code.asString())).as(code.asString() + " is final").isFalse();
        });
        Set<String> declared = new TreeSet<>();
        for (Field field : ErrorCodes.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                declared.add((String) field.get(null));
            }
        }
        assertThat(listed).as("every code of ErrorCodes, and no other, is in the table").isEqualTo(declared);
    }
}
