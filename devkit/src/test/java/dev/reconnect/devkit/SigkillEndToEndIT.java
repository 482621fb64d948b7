package dev.reconnect.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.observe.ClientEvents;
import dev.reconnect.devkit.observe.ReadinessObserver;
import dev.reconnect.devkit.scenario.ScenarioRun;
import dev.reconnect.devkit.scenario.Summary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * consul-emulator, api-service, ws-service and the gateway as real processes; a client CLI connected
 * through the gateway; ws-service SIGKILLed and restarted. The client must reconnect through the
 * gateway only after /readiness turned ready, with no failed upgrade, nothing lost or doubled.
 */
class SigkillEndToEndIT {
    @TempDir
    Path runDir;

    @Test
    void theClientReconnectsOnlyAfterReadinessTurnsReadyAndLosesNothing() {
        try (ScenarioRun run = new ScenarioRun(new LocalSystem(LocalSystem.findRoot(), Ports.from(28500), runDir), 1,
                line -> System.out.println("[e2e] " + line))) {
            run.start(1);

            Instant killedAt = run.disrupt("sigkill");
            Summary summary = run.settle("sigkill", killedAt);

            String story = summary.line() + "\n" + run.timeline();
            List<ReadinessObserver.Change> afterKill = run.observer().orElseThrow().changes().stream()
                    .filter(c -> c.at() >= killedAt.toEpochMilli()).toList();
            assertThat(afterKill).as("readiness went not-ready, then ready again\n" + story)
                    .anyMatch(c -> !c.ready())
                    .last().matches(ReadinessObserver.Change::ready);
            long lastNotReadyAt = afterKill.stream().filter(c -> !c.ready()).mapToLong(ReadinessObserver.Change::at).max()
                    .orElseThrow();
            List<ClientEvents.Event> connects = run.events().of("state").stream()
                    .filter(e -> e.t() >= killedAt.toEpochMilli() && e.text("to").equals("CONNECTING")).toList();
            assertThat(connects).as("the client connected again after the kill\n" + story).isNotEmpty();
            assertThat(connects).as("no connect attempt while readiness said not ready\n" + story)
                    .allMatch(e -> e.t() > lastNotReadyAt);
            assertThat(summary.failedUpgrades()).as(story).isZero();
            assertThat(summary.lost()).as(story).isZero();
            assertThat(summary.duplicates()).as(story).isZero();
            assertThat(summary.connectsWhileNotReady()).as(story).isZero();
        }
    }
}
