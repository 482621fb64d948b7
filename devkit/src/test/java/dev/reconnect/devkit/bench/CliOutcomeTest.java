package dev.reconnect.devkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.devkit.observe.ClientEvents;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real client's outage, read from the CLI's --json lines as client/README.md describes them. */
class CliOutcomeTest {

    private static List<ClientEvents.Event> events(String... lines) {
        ClientEvents events = new ClientEvents(event -> { });
        for (String line : lines) {
            events.accept(line);
        }
        return events.all();
    }

    private static String state(long t, String client, String from, String to) {
        return "{\"t\":" + t + ",\"event\":\"state\",\"client\":\"" + client + "\",\"from\":\"" + from + "\",\"to\":\""
                + to + "\",\"reason\":\"\"}";
    }

    private static String readiness(long t, String client, String outcome) {
        return "{\"t\":" + t + ",\"event\":\"readiness\",\"client\":\"" + client + "\",\"outcome\":\"" + outcome
                + "\",\"detail\":\"\",\"longPoll\":false,\"nextTryMs\":100}";
    }

    private static String stats(long t, long failedUpgrades) {
        return "{\"t\":" + t + ",\"event\":\"stats\",\"clients\":2,\"connected\":2,\"failedUpgrades\":" + failedUpgrades + "}";
    }

    @Test
    void opensAndDropsAreTheTransitionsIntoAndOutOfOpen() {
        List<OpenEvent> opens = CliOutcome.openEvents(events(
                "starting…",
                state(10, "client-1", "CONNECTING", "OPEN"),
                state(20, "client-1", "OPEN", "WAITING_FOR_READINESS"),
                state(30, "client-1", "WAITING_FOR_READINESS", "CONNECTING"),
                state(40, "client-1", "CONNECTING", "BACKING_OFF")));
        assertThat(opens).containsExactly(new OpenEvent(10, "client-1", true), new OpenEvent(20, "client-1", false));
    }

    @Test
    void everyReadinessAnswerCountsOnceWhetherOrNotTheCliPrintedIt() {
        List<ClientEvents.Event> events = events(
                readiness(5, "client-1", "not_ready"), // before the window
                // client-1: not ready (printed), then ready without a spread: only the transition shows it.
                readiness(100, "client-1", "not_ready"),
                state(200, "client-1", "WAITING_FOR_READINESS", "CONNECTING"),
                // client-2: throttled, then ready with a spread (printed "ready"), then the connect after the spread.
                readiness(110, "client-2", "throttled"),
                readiness(210, "client-2", "ready"),
                state(900, "client-2", "WAITING_FOR_READINESS", "CONNECTING"),
                // client-2's connect failed; ready again, but the breaker is open: to BACKING_OFF.
                state(950, "client-2", "CONNECTING", "BACKING_OFF"),
                state(960, "client-2", "BACKING_OFF", "WAITING_FOR_READINESS"),
                state(980, "client-2", "WAITING_FOR_READINESS", "BACKING_OFF"),
                readiness(5_000, "client-1", "not_ready")); // after the window
        assertThat(CliOutcome.readinessRequests(events, 50, 1_000)).isEqualTo(2 + 3);
    }

    @Test
    void failedUpgradesAreTheGrowthOfTheTotalsOverTheOutage() {
        List<ClientEvents.Event> events = events(stats(900, 1), stats(1_900, 2), stats(5_100, 6), stats(6_100, 7));
        assertThat(CliOutcome.failedUpgrades(events, 2_000, 5_000)).hasValue(4);
    }

    @Test
    void failedUpgradesAreUnknownUntilTheCliPrintedItsTotalsAfterTheRecovery() {
        assertThat(CliOutcome.failedUpgrades(events(stats(900, 1), stats(1_900, 2)), 2_000, 5_000)).isEmpty();
    }
}
