package dev.reconnect.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.ClientState;
import dev.reconnect.client.cli.event.CliEvent;
import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;
import dev.reconnect.devkit.scenario.ScenarioRun;
import dev.reconnect.devkit.scenario.StartOrder;
import dev.reconnect.protocol.readiness.ReadinessChange;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Staggered start in each order (ws-service last, gateway last, api-service last, registry last):
 * clients started before the last component wait, then connect as soon as everything is ready, never
 * before. Subclasses choose the registry.
 */
abstract class StartOrderScenarios {
    static final int CLIENTS = 5;
    static final int PUBLISH_RATE = 20;
    /** Generous: the last component's own registration and first check, then the client's reaction. */
    static final Duration CONNECTED_SOON_AFTER_READY = Duration.ofSeconds(15);

    private final RegistryRunner registry;
    private final Function<StartOrder, Ports> ports;

    /** The registry to run the scenarios on, and each start order's own port block. */
    StartOrderScenarios(RegistryRunner registry, Function<StartOrder, Ports> ports) {
        this.registry = registry;
        this.ports = ports;
    }

    RegistryRunner registry() {
        return registry;
    }

    Ports ports(StartOrder order) {
        return ports.apply(order);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StartOrder.class)
    void clientsConnectAsSoonAsEverythingIsReadyAndNeverBefore(StartOrder order, @TempDir Path runDir) {
        try (ScenarioRun run = new Target(registry(), ports(order))
                .newRun(runDir, CLIENTS, PUBLISH_RATE, order + " on " + registry())) {
            run.start(1, order);
            Instant launched = run.lastComponentLaunchedAt().orElseThrow();
            Instant ready = run.everythingStartedAt().orElseThrow();
            Checkpoint started = Checkpoint.since(run, "start-" + order, launched);

            // The whole run, not only since the launch: a connect before it is what this case looks for.
            List<CliEvent.State> connects = run.events().of(CliEvent.State.class).stream()
                    .filter(e -> e.to() == ClientState.CONNECTING).toList();
            // The gateway's own record: the last time it told anyone "not ready".
            long lastNotReadyAt = run.readinessChangesSince(Instant.EPOCH).stream()
                    .filter(c -> !c.ready()).mapToLong(ReadinessChange::at).max().orElse(0);
            assertThat(connects).as(started.describe("every client connected")).hasSizeGreaterThanOrEqualTo(CLIENTS);
            assertThat(connects).as(started.describe("no connect before the last component was launched and readiness said ready"))
                    .allMatch(e -> e.t() > launched.toEpochMilli() && e.t() > lastNotReadyAt);
            long lastOpen = started.statesEntering(ClientState.OPEN).stream()
                    .mapToLong(CliEvent.State::t).max().orElseThrow();
            assertThat(lastOpen - ready.toEpochMilli()).as(started.describe("connected soon after everything was ready"))
                    .isLessThan(CONNECTED_SOON_AFTER_READY.toMillis());
            started.assertDelivered();
        }
    }
}
