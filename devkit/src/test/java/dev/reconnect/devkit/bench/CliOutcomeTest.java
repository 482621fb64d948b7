package dev.reconnect.devkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.ClientState;
import dev.reconnect.client.cli.event.CliEvent;
import dev.reconnect.client.readiness.ReadinessOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real client's outage, read from the CLI's --json events. */
class CliOutcomeTest {

    private static List<CliEvent> events(CliEvent... events) {
        return List.of(events);
    }

    private static CliEvent state(long t, String client, ClientState from, ClientState to) {
        return new CliEvent.State(t, client, from, to, "", null);
    }

    private static CliEvent readiness(long t, String client, ReadinessOutcome outcome) {
        return new CliEvent.Readiness(t, client, outcome, "", false, 100);
    }

    private static CliEvent stats(long t, long failedUpgrades) {
        return new CliEvent.Stats(t, 2, 2, 0, 0, 0, 0, 0, failedUpgrades, 0, 0, null, null);
    }

    @Test
    void opensAndDropsAreTheTransitionsIntoAndOutOfOpen() {
        List<OpenEvent> opens = CliOutcome.openEvents(events(
                new CliEvent.Message(5, "client-1", 1),
                state(10, "client-1", ClientState.CONNECTING, ClientState.OPEN),
                state(20, "client-1", ClientState.OPEN, ClientState.WAITING_FOR_READINESS),
                state(30, "client-1", ClientState.WAITING_FOR_READINESS, ClientState.CONNECTING),
                state(40, "client-1", ClientState.CONNECTING, ClientState.BACKING_OFF)));
        assertThat(opens).containsExactly(new OpenEvent(10, "client-1", true), new OpenEvent(20, "client-1", false));
    }

    @Test
    void everyReadinessAnswerCountsOnceWhetherOrNotTheCliPrintedIt() {
        List<CliEvent> events = events(
                readiness(5, "client-1", ReadinessOutcome.NOT_READY), // before the window
                // client-1: not ready (printed), then ready without a spread: only the transition shows it.
                readiness(100, "client-1", ReadinessOutcome.NOT_READY),
                state(200, "client-1", ClientState.WAITING_FOR_READINESS, ClientState.CONNECTING),
                // client-2: throttled, then ready with a spread (printed "ready"), then the connect after the spread.
                readiness(110, "client-2", ReadinessOutcome.THROTTLED),
                readiness(210, "client-2", ReadinessOutcome.READY),
                state(900, "client-2", ClientState.WAITING_FOR_READINESS, ClientState.CONNECTING),
                // client-2's connect failed; ready again, but the breaker is open: to BACKING_OFF.
                state(950, "client-2", ClientState.CONNECTING, ClientState.BACKING_OFF),
                state(960, "client-2", ClientState.BACKING_OFF, ClientState.WAITING_FOR_READINESS),
                state(980, "client-2", ClientState.WAITING_FOR_READINESS, ClientState.BACKING_OFF),
                readiness(5_000, "client-1", ReadinessOutcome.NOT_READY)); // after the window
        assertThat(CliOutcome.readinessRequests(events, 50, 1_000)).isEqualTo(2 + 3);
    }

    @Test
    void failedUpgradesAreTheGrowthOfTheTotalsOverTheOutage() {
        List<CliEvent> events = events(stats(900, 1), stats(1_900, 2), stats(5_100, 6), stats(6_100, 7));
        assertThat(CliOutcome.failedUpgrades(events, 2_000, 5_000)).hasValue(4);
    }

    @Test
    void failedUpgradesAreUnknownUntilTheCliPrintedItsTotalsAfterTheRecovery() {
        assertThat(CliOutcome.failedUpgrades(events(stats(900, 1), stats(1_900, 2)), 2_000, 5_000)).isEmpty();
    }
}
