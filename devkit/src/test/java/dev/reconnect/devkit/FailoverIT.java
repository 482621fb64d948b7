package dev.reconnect.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.observe.ClientEvents;
import dev.reconnect.devkit.scenario.ScenarioRun;
import dev.reconnect.devkit.scenario.Summary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ws-service instances; new connections spread over both; one is SIGKILLed and its clients
 * resume on the other with nothing lost or doubled, while readiness never stops saying ready.
 */
class FailoverIT {
    static final int CLIENTS = 40;

    @TempDir
    Path runDir;

    @Test
    void clientsOfAKilledInstanceResumeOnTheOtherWithNothingLostOrDoubled() {
        try (ScenarioRun run = new ScenarioRun(new LocalSystem(LocalSystem.findRoot(), Ports.from(28600), runDir), CLIENTS,
                line -> System.out.println("[failover] " + line))) {
            run.start(2);
            Set<String> instancesBefore = welcomedBy(run.events().of("state"));
            assertThat(instancesBefore).as("connections spread over both instances\n" + run.timeline())
                    .containsExactlyInAnyOrder("ws-service-" + run.wsPort(0), "ws-service-" + run.wsPort(1));

            Instant killedAt = run.disrupt("failover");
            Summary summary = run.settle("failover", killedAt);

            String story = summary.line() + "\n" + run.timeline();
            List<ClientEvents.Event> reopened = run.events().of("state").stream()
                    .filter(e -> e.t() >= killedAt.toEpochMilli() && e.text("to").equals("OPEN")).toList();
            assertThat(welcomedBy(reopened)).as("they resumed on the surviving instance\n" + story)
                    .containsExactly("ws-service-" + run.wsPort(1));
            assertThat(run.observer().orElseThrow().changes().stream().filter(c -> c.at() >= killedAt.toEpochMilli()))
                    .as("readiness stayed ready: another instance was passing\n" + story)
                    .allMatch(c -> c.ready());
            assertThat(summary.lost()).as(story).isZero();
            assertThat(summary.duplicates()).as(story).isZero();
            assertThat(summary.failedUpgrades()).as(story).isZero();
        }
    }

    /** Instance names from "welcome from ws-service-NNNN" in OPEN transitions. */
    private static Set<String> welcomedBy(List<ClientEvents.Event> states) {
        return states.stream()
                .filter(e -> e.text("to").equals("OPEN"))
                .map(e -> e.text("reason").replaceAll(".*welcome from (ws-service-\\d+).*", "$1"))
                .collect(Collectors.toSet());
    }
}
