package dev.reconnect.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.ClientState;
import dev.reconnect.client.cli.event.CliEvent;
import dev.reconnect.devkit.scenario.ScenarioRun;
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
        try (ScenarioRun run = target.newRun(runDir, CLIENTS, "two instances on " + target.registry())) {
            run.start(2);
            Set<String> instancesBefore = welcomedBy(run.events().of(CliEvent.State.class));
            assertThat(instancesBefore).as("connections spread over both instances\n" + run.timeline())
                    .containsExactlyInAnyOrder("ws-service-" + run.wsPort(0), "ws-service-" + run.wsPort(1));

            Checkpoint failover = Checkpoint.afterDisruption(run, "failover");
            assertThat(welcomedBy(failover.statesEntering(ClientState.OPEN)))
                    .as(failover.describe("they resumed on the surviving instance"))
                    .containsExactly("ws-service-" + run.wsPort(1));
            // The gateway checks the surviving instance before counting it again: at most a blip.
            List<ReadinessChange> changes = failover.readinessChanges();
            for (int i = 0; i < changes.size(); i++) {
                if (!changes.get(i).ready()) {
                    long notReadyAt = changes.get(i).at();
                    assertThat(changes.subList(i, changes.size()))
                            .as(failover.describe("readiness was ready again within a second: another instance was passing"))
                            .anyMatch(c -> c.ready() && c.at() - notReadyAt < 1_000);
                }
            }
            failover.assertDelivered();

            // Two instances again, both routed, then both die and only one comes back.
            run.startWsAndAwaitRouting(run.wsPort(0));
            Instant bothKilledAt = run.disrupt("both-killed");
            Checkpoint.settled(run, "both-killed", bothKilledAt).assertDeliveredAndNoConnectWhileNotReady();
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
