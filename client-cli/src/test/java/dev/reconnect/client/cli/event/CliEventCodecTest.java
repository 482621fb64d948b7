package dev.reconnect.client.cli.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reconnect.client.ClientProblem;
import dev.reconnect.client.ClientState;
import dev.reconnect.client.StateChange;
import dev.reconnect.client.readiness.ReadinessOutcome;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The wire shape of the CLI's events: lines an earlier CLI printed read back and are written again unchanged. */
class CliEventCodecTest {

    @ParameterizedTest
    @ValueSource(strings = {
            // as the CLI printed them before the events were records (a bench run's client.log)
            "{\"t\":1796181639199,\"event\":\"state\",\"client\":\"client-1\",\"from\":\"NEW\",\"to\":\"WAITING_FOR_READINESS\",\"reason\":\"started\"}",
            "{\"t\":1796181639878,\"event\":\"readiness\",\"client\":\"client-1\",\"outcome\":\"not_ready\",\"detail\":\"not ready (ws-service passing=0, api-service passing=1)\",\"longPoll\":false,\"nextTryMs\":1000}",
            "{\"t\":1796181639938,\"event\":\"stats\",\"clients\":1,\"connected\":0,\"waiting\":1,\"reconnects\":0,\"received\":0,\"lost\":0,\"duplicates\":0,\"failedUpgrades\":0,\"minLastSeq\":0,\"maxLastSeq\":0}",
            "{\"t\":1796181650835,\"event\":\"state\",\"client\":\"client-1\",\"from\":\"WAITING_FOR_READINESS\",\"to\":\"CONNECTING\",\"reason\":\"readiness: ws-service passing=1, api-service passing=1\",\"readinessIndex\":4}",
            "{\"t\":5,\"event\":\"stats\",\"clients\":2,\"connected\":0,\"waiting\":0,\"reconnects\":3,\"received\":9,\"lost\":1,\"duplicates\":2,\"failedUpgrades\":4,\"minLastSeq\":7,\"maxLastSeq\":9,\"failed\":2,\"final\":true}",
            "{\"t\":5,\"event\":\"message\",\"client\":\"client-2\",\"seq\":17}",
            "{\"t\":5,\"event\":\"reconnected\",\"client\":\"client-1\",\"attempt\":1,\"downtimeMs\":1200,\"readyToOpenMs\":35,\"reason\":\"close 1001 restarting\"}",
            "{\"t\":5,\"event\":\"problem\",\"client\":\"client-1\",\"kind\":\"LOST\",\"message\":\"skipped 4..6\",\"from\":4,\"to\":6}",
            "{\"t\":5,\"event\":\"problem\",\"client\":\"client-1\",\"kind\":\"SERVER_ERROR\",\"message\":\"boom\"}",
            "{\"t\":5,\"event\":\"published\",\"seq\":3,\"key\":\"k-3\"}",
            "{\"t\":5,\"event\":\"publish-retry\",\"key\":\"k-4\",\"n\":4,\"reason\":\"HTTP 503\",\"nextTryMs\":180}",
            "{\"t\":5,\"event\":\"publish-summary\",\"published\":5,\"retries\":3}",
            "{\"t\":5,\"event\":\"publish-error\",\"message\":\"publish refused for good: HTTP 409\"}"})
    void aLineReadsBackAndIsWrittenAgainUnchanged(String line) {
        assertThat(CliEventCodec.write(CliEventCodec.parse(line))).isEqualTo(line);
    }

    @Test
    void fieldsAreTyped() {
        CliEvent.State connect = (CliEvent.State) CliEventCodec.parse("{\"t\":7,\"event\":\"state\",\"client\":\"c\","
                + "\"from\":\"WAITING_FOR_READINESS\",\"to\":\"CONNECTING\",\"reason\":\"r\",\"readinessIndex\":4}");
        assertThat(connect).isEqualTo(new CliEvent.State(7, "c", ClientState.WAITING_FOR_READINESS,
                ClientState.CONNECTING, "r", 4L));
        CliEvent.Readiness readiness = (CliEvent.Readiness) CliEventCodec.parse("{\"t\":1,\"event\":\"readiness\","
                + "\"client\":\"c\",\"outcome\":\"not_ready\",\"detail\":\"d\",\"longPoll\":true,\"nextTryMs\":9}");
        assertThat(readiness.outcome()).isEqualTo(ReadinessOutcome.NOT_READY);
        CliEvent.Stats stats = (CliEvent.Stats) CliEventCodec.parse("{\"t\":1,\"event\":\"stats\",\"clients\":1,"
                + "\"connected\":1,\"waiting\":0,\"reconnects\":0,\"received\":0,\"lost\":0,\"duplicates\":0,"
                + "\"failedUpgrades\":0,\"minLastSeq\":0,\"maxLastSeq\":0}");
        assertThat(stats.failedClients()).isZero();
        assertThat(stats.atExit()).isFalse();
    }

    @Test
    void onlyAConnectCarriesAReadinessIndex() {
        CliEvent.State connect = CliEvent.State.of(1, new StateChange("c", ClientState.WAITING_FOR_READINESS,
                ClientState.CONNECTING, "ready", null));
        CliEvent.State open = CliEvent.State.of(1, new StateChange("c", ClientState.CONNECTING, ClientState.OPEN,
                "welcome", null, 12));

        assertThat(CliEventCodec.write(connect)).contains("\"readinessIndex\":-1");
        assertThat(connect.readinessIndexOrNone()).isEqualTo(StateChange.NO_READINESS_INDEX);
        assertThat(CliEventCodec.write(open)).doesNotContain("readinessIndex");
    }

    @Test
    void onlyALossOrGapCarriesASeqRange() {
        String lost = CliEventCodec.write(CliEvent.Problem.of(1, new ClientProblem("c", ClientProblem.Kind.GAP, "m", 3, 5, null)));
        String malformed = CliEventCodec.write(CliEvent.Problem.of(1,
                new ClientProblem("c", ClientProblem.Kind.MALFORMED_FRAME, "m", 0, 0, null)));

        assertThat(lost).contains("\"from\":3,\"to\":5");
        assertThat(malformed).doesNotContain("\"from\"").doesNotContain("\"to\"");
    }

    @Test
    void anEventWithoutItsReasonIsRefusedRatherThanWrittenWithoutIt() {
        assertThatThrownBy(() -> CliEventCodec.write(
                new CliEvent.State(1, "c", ClientState.OPEN, ClientState.BACKING_OFF, null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("a \"state\" event without \"reason\"");
        assertThatThrownBy(() -> CliEventCodec.write(new CliEvent.Reconnected(1, "c", 1, 2, 3, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a \"reconnected\" event without \"reason\"");
        assertThatThrownBy(() -> CliEventCodec.write(new CliEvent.PublishRetry(1, "k", 1, null, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a \"publish-retry\" event without \"reason\"");
        assertThatThrownBy(() -> CliEventCodec.parse("{\"t\":1,\"event\":\"reconnected\",\"client\":\"c\","
                + "\"attempt\":1,\"downtimeMs\":2,\"readyToOpenMs\":3,\"reason\":null}"))
                .isInstanceOf(MalformedCliEventException.class).hasMessageContaining("without \"reason\"");
    }

    /** Only the boxed components are optional: a null in any other is refused by name, of every kind of event. */
    @Test
    void everyRequiredComponentIsRefusedWhenNull() throws Exception {
        List<String> refused = new ArrayList<>();
        for (Class<?> type : CliEvent.class.getPermittedSubclasses()) {
            CliEvent sample = sample(type);
            RecordComponent[] components = type.getRecordComponents();
            for (int i = 0; i < components.length; i++) {
                Class<?> kind = components[i].getType();
                if (kind.isPrimitive() || kind == Long.class || kind == Integer.class || kind == Boolean.class) {
                    continue;
                }
                Object[] values = new Object[components.length];
                for (int j = 0; j < components.length; j++) {
                    values[j] = j == i ? null : components[j].getAccessor().invoke(sample);
                }
                CliEvent withNull = (CliEvent) type.getDeclaredConstructor(
                        Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new))
                        .newInstance(values);
                String field = components[i].getName();
                assertThatThrownBy(() -> CliEventCodec.write(withNull)).as(type.getSimpleName() + "." + field)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without \"" + field + "\"");
                refused.add(type.getSimpleName() + "." + field);
            }
        }
        assertThat(refused).contains("State.reason", "Reconnected.reason", "PublishRetry.reason", "Problem.message",
                "Readiness.detail", "PublishError.message");
    }

    @Test
    void aFieldALaterCliAddsIsIgnored() {
        assertThat(CliEventCodec.parse("{\"t\":5,\"event\":\"message\",\"client\":\"c\",\"seq\":17,\"instance\":\"ws-2\"}"))
                .isEqualTo(new CliEvent.Message(5, "c", 17));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Picked up JAVA_TOOL_OPTIONS: -Xmx64m | not JSON",
            "[1,2] | not a JSON object",
            "{\"t\":1} | no \"event\" naming its kind",
            "{\"t\":1,\"event\":\"hello\"} | an unknown kind of event \"hello\" (known: [state, message",
            "{\"t\":1,\"event\":\"state\",\"client\":\"c\",\"from\":\"NEW\",\"reason\":\"r\"} | a \"state\" event without \"to\"",
            "{\"t\":1,\"event\":\"state\",\"client\":\"c\",\"from\":\"NEW\",\"to\":null,\"reason\":\"r\"} | a \"state\" event without \"to\"",
            "{\"event\":\"message\",\"client\":\"c\",\"seq\":1} | a \"message\" event without \"t\"",
            "{\"t\":1,\"event\":\"state\",\"client\":\"c\",\"from\":\"NEW\",\"to\":\"READY_CHECK\",\"reason\":\"r\"} | a \"state\" event with a bad field",
            "{\"t\":1,\"event\":\"state\",\"client\":\"c\",\"from\":\"NEW\",\"to\":3,\"reason\":\"r\"} | a \"state\" event with a bad field",
            "{\"t\":1,\"event\":\"message\",\"client\":\"c\",\"seq\":\"many\"} | a \"message\" event with a bad field",
            "{\"t\":1,\"event\":\"readiness\",\"client\":\"c\",\"outcome\":\"maybe\",\"detail\":\"d\",\"longPoll\":true,\"nextTryMs\":9} | a \"readiness\" event with a bad field"})
    void aMalformedLineIsAClearErrorThatQuotesIt(String line, String says) {
        assertThatThrownBy(() -> CliEventCodec.parse(line)).isInstanceOf(MalformedCliEventException.class)
                .hasMessageStartingWith("not a client-cli event: ").hasMessageContaining(says)
                .hasMessageEndingWith(line);
    }

    @Test
    void emptyAndOverlongLinesAreClearErrorsToo() {
        assertThatThrownBy(() -> CliEventCodec.parse("")).isInstanceOf(MalformedCliEventException.class)
                .hasMessageContaining("an empty line");
        String overlong = "{\"t\":1,\"event\":\"nope\",\"pad\":\"" + "x".repeat(1_000) + "\"}";
        assertThatThrownBy(() -> CliEventCodec.parse(overlong)).isInstanceOf(MalformedCliEventException.class)
                .hasMessageEndingWith("…").message().hasSizeLessThan(500);
    }

    @Test
    void everyKindOfEventHasItsOwnName() {
        assertThat(CliEventCodec.kinds()).hasSize(CliEvent.class.getPermittedSubclasses().length)
                .containsExactlyInAnyOrder(Arrays.stream(CliEvent.class.getPermittedSubclasses())
                        .map(type -> CliEventCodec.write(sample(type)).replaceAll(".*\"event\":\"([^\"]+)\".*", "$1"))
                        .toArray(String[]::new));
    }

    private static CliEvent sample(Class<?> type) {
        return Arrays.stream(new CliEvent[] {
                new CliEvent.State(1, "c", ClientState.NEW, ClientState.WAITING_FOR_READINESS, "r", null),
                new CliEvent.Message(1, "c", 1),
                new CliEvent.Reconnected(1, "c", 1, 2, 3, "r"),
                new CliEvent.Problem(1, "c", ClientProblem.Kind.GAP, "m", 1L, 2L),
                new CliEvent.Readiness(1, "c", ReadinessOutcome.THROTTLED, "d", false, 5),
                new CliEvent.Stats(1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, null, null),
                new CliEvent.Published(1, 1, "k"),
                new CliEvent.PublishRetry(1, "k", 1, "r", 5),
                new CliEvent.PublishSummary(1, 1, 0),
                new CliEvent.PublishError(1, "m")}).filter(type::isInstance).findFirst().orElseThrow(
                        () -> new AssertionError("no sample of " + type.getSimpleName() + ": add one"));
    }
}
