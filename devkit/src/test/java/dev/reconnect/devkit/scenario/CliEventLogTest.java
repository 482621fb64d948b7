package dev.reconnect.devkit.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reconnect.client.ClientState;
import dev.reconnect.client.cli.event.CliEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client CLI's output as the scenario engine reads it: typed events, and the lines that are none kept aside. */
class CliEventLogTest {
    private final List<CliEvent> heard = new ArrayList<>();
    private final CliEventLog log = new CliEventLog(heard::add);

    @Test
    void eventLinesBecomeTypedEventsInOrderAndAreHeardAsTheyArrive() {
        log.accept("{\"t\":10,\"event\":\"state\",\"client\":\"client-1\",\"from\":\"CONNECTING\",\"to\":\"OPEN\",\"reason\":\"welcome\"}");
        log.accept("{\"t\":11,\"event\":\"message\",\"client\":\"client-1\",\"seq\":1}");
        log.accept("{\"t\":12,\"event\":\"stats\",\"clients\":1,\"connected\":1,\"waiting\":0,\"reconnects\":0,"
                + "\"received\":1,\"lost\":0,\"duplicates\":0,\"failedUpgrades\":0,\"minLastSeq\":1,\"maxLastSeq\":1}");
        log.accept("{\"t\":20,\"event\":\"state\",\"client\":\"client-1\",\"from\":\"OPEN\",\"to\":\"WAITING_FOR_READINESS\",\"reason\":\"close 1001\"}");

        assertThat(heard).isEqualTo(log.all()).hasSize(4);
        assertThat(log.of(CliEvent.State.class)).extracting(CliEvent.State::to)
                .containsExactly(ClientState.OPEN, ClientState.WAITING_FOR_READINESS);
        assertThat(log.statesSince(15)).extracting(CliEvent.State::from).containsExactly(ClientState.OPEN);
        assertThat(log.last(CliEvent.Stats.class)).hasValueSatisfying(s -> assertThat(s.minLastSeq()).isEqualTo(1));
        assertThat(log.last(CliEvent.Reconnected.class)).isEmpty();
    }

    @Test
    void aLineThatIsNoEventIsKeptForTheTimelineAndNeverHeard() {
        log.accept("Picked up JAVA_TOOL_OPTIONS: -Xmx64m");
        log.accept("{\"t\":10,\"event\":\"state\",\"client\":\"client-1\",\"from\":\"CONNECTING\",\"to\":\"READY_CHECK\",\"reason\":\"r\"}");
        log.accept("{\"t\":11,\"event\":\"message\",\"client\":\"client-1\",\"seq\":1}");
        log.accept("{\"t\":12,\"event\":\"reconnected\",\"client\":\"client-1\",\"attempt\":1,\"downtimeMs\":900,"
                + "\"readyToOpenMs\":40,\"reason\":\"close 1001\"}");

        assertThat(heard).hasSize(2);
        List<String> timeline = log.timeline().lines().toList();
        assertThat(timeline).hasSize(3);
        assertThat(timeline.get(0)).isEqualTo("{\"t\":12,\"event\":\"reconnected\",\"client\":\"client-1\",\"attempt\":1,"
                + "\"downtimeMs\":900,\"readyToOpenMs\":40,\"reason\":\"close 1001\"}");
        assertThat(timeline.get(1)).startsWith("not a client-cli event: not JSON")
                .endsWith(": Picked up JAVA_TOOL_OPTIONS: -Xmx64m");
        assertThat(timeline.get(2)).startsWith("not a client-cli event: a \"state\" event with a bad field: ")
                .contains("\"READY_CHECK\"").endsWith("\"to\":\"READY_CHECK\",\"reason\":\"r\"}");
    }

    @Test
    void anEventLineThatCannotBeReadFailsTheSumButNoiseDoesNot() {
        log.accept("Picked up JAVA_TOOL_OPTIONS: -Xmx64m");
        log.requireEveryEventRead();

        log.accept("{\"t\":10,\"event\":\"state\",\"client\":\"client-1\",\"from\":\"CONNECTING\",\"to\":\"READY_CHECK\",\"reason\":\"r\"}");

        assertThatThrownBy(log::requireEveryEventRead).isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("the client printed 1 event line(s) that cannot be read")
                .hasMessageContaining("READY_CHECK");
    }
}
