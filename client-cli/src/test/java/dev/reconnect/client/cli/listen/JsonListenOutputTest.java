package dev.reconnect.client.cli.listen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.ClientState;
import dev.reconnect.client.StateChange;
import dev.reconnect.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The shapes of {@code listen --json} that the devkit's scenarios read. */
class JsonListenOutputTest {
    private static final Instant AT = Instant.parse("2025-01-01T12:00:00Z");

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final JsonListenOutput output =
            new JsonListenOutput(new PrintStream(captured, true, StandardCharsets.UTF_8), true, () -> 1234L);

    private List<JsonNode> events() {
        return Arrays.stream(captured.toString(StandardCharsets.UTF_8).split("\\R")).filter(l -> !l.isEmpty())
                .map(Json.MAPPER::readTree).collect(Collectors.toList());
    }

    @Test
    void aStateEventToConnectingCarriesTheIndexOfTheReadinessAnswerThatAllowedIt() {
        output.onStateChange(new StateChange("client-1", ClientState.WAITING_FOR_READINESS, ClientState.CONNECTING,
                "readiness: ws-service passing=1", AT, 42));
        output.onStateChange(new StateChange("client-1", ClientState.CONNECTING, ClientState.OPEN, "welcome", AT));

        List<JsonNode> events = events();
        assertThat(events).hasSize(2);
        JsonNode connecting = events.get(0);
        assertThat(connecting.path("event").asString()).isEqualTo("state");
        assertThat(connecting.path("t").asLong()).isEqualTo(1234L);
        assertThat(connecting.path("to").asString()).isEqualTo("CONNECTING");
        assertThat(connecting.path("readinessIndex").isIntegralNumber()).isTrue();
        assertThat(connecting.path("readinessIndex").asLong()).isEqualTo(42);
        assertThat(events.get(1).has("readinessIndex")).as("only a connect has one").isFalse();
    }

    @Test
    void aConnectWithoutAReadyAnswerSaysMinusOne() {
        output.onStateChange(new StateChange("client-1", ClientState.WAITING_FOR_READINESS, ClientState.CONNECTING,
                "readiness: ready", AT));

        assertThat(events()).singleElement().satisfies(e -> assertThat(e.path("readinessIndex").asLong()).isEqualTo(-1));
    }
}
