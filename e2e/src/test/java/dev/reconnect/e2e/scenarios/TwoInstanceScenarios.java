package dev.reconnect.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.ClientState;
import dev.reconnect.client.cli.event.CliEvent;
import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.scenario.ScenarioRun;
import dev.reconnect.devkit.scenario.Summary;
import dev.reconnect.protocol.readiness.ReadinessChange;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ws-service instances: new connections spread over both; one is SIGKILLed and its clients
 * resume on the other with nothing lost or doubled, while readiness never stops saying ready; then
 * both are killed and one restarted. Subclasses choose the registry.
 */
abstract class TwoInstanceScenarios {
    static final int CLIENTS = 40;

    @TempDir
    Path runDir;

    /** Read by ScenarioPortsTest, which checks every suite's port block. */
    final Target target;

    TwoInstanceScenarios(Target target) {
        this.target = target;
    }

    @Test
    void clientsOfAKilledInstanceResumeOnTheOtherThenSurviveBothBeingKilled() {
        LocalSystem system = new LocalSystem(LocalSystem.findRoot(), target.ports(), runDir, target.registry());
        try (ScenarioRun run = new ScenarioRun(system, CLIENTS, line -> System.out.println("[two instances on "
                + target.registry() + "] " + line))) {
            run.start(2);
            Set<String> instancesBefore = welcomedBy(run.events().of(CliEvent.State.class));
            assertThat(instancesBefore).as("connections spread over both instances\n" + run.timeline())
                    .containsExactlyInAnyOrder("ws-service-" + run.wsPort(0), "ws-service-" + run.wsPort(1));

            Instant killedAt = run.disrupt("failover");
            Summary summary = run.checkpoint("failover", killedAt);

            String story = summary.line() + "\n" + run.timeline();
            List<CliEvent.State> reopened = run.events().of(CliEvent.State.class).stream()
                    .filter(e -> e.t() >= killedAt.toEpochMilli() && e.to() == ClientState.OPEN).toList();
            assertThat(welcomedBy(reopened)).as("they resumed on the surviving instance\n" + story)
                    .containsExactly("ws-service-" + run.wsPort(1));
            // The gateway checks the surviving instance before counting it again: at most a blip.
            List<ReadinessChange> changes = run.readinessChangesSince(killedAt);
            for (int i = 0; i < changes.size(); i++) {
                if (!changes.get(i).ready()) {
                    long notReadyAt = changes.get(i).at();
                    assertThat(changes.subList(i, changes.size()))
                            .as("readiness was ready again within a second: another instance was passing\n" + story)
                            .anyMatch(c -> c.ready() && c.at() - notReadyAt < 1_000);
                }
            }
            assertThat(summary.lost()).as(story).isZero();
            assertThat(summary.duplicates()).as(story).isZero();
            assertThat(summary.failedUpgrades()).as(story).isZero();

            run.startWs(run.wsPort(0)); // two instances again, then both die and only one comes back
            Instant bothKilledAt = run.disrupt("both-killed");
            Summary afterBoth = run.settle("both-killed", bothKilledAt);
            String bothStory = afterBoth.line() + "\n" + run.timeline();
            assertThat(afterBoth.lost()).as(bothStory).isZero();
            assertThat(afterBoth.duplicates()).as(bothStory).isZero();
            assertThat(afterBoth.failedUpgrades()).as(bothStory).isZero();
            assertThat(afterBoth.connectsWhileNotReady()).as(bothStory).isZero();
        }
    }

    /** Instance names from "welcome from ws-service-NNNN" in OPEN transitions. */
    private static Set<String> welcomedBy(List<CliEvent.State> states) {
        return states.stream()
                .filter(e -> e.to() == ClientState.OPEN)
                .map(e -> e.reason().replaceAll(".*welcome from (ws-service-\\d+).*", "$1"))
                .collect(Collectors.toSet());
    }
}
