package dev.reconnect.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;
import dev.reconnect.devkit.scenario.ScenarioRun;
import dev.reconnect.devkit.scenario.Soak;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-minute soak ({@code ./demo.sh --soak 60s --clients 30}, on a port block of its own): random
 * faults of every kind, and at the end nothing lost, nothing doubled, no failed upgrade and no
 * connect attempt while the gateway said not ready. The seed is printed, so that a failure can be
 * repeated with {@code -Dsoak.seed=N} (or {@code ./demo.sh --soak 60s --seed N}).
 */
class SoakIT {
    static final int CLIENTS = 30;
    static final Duration DURATION = Duration.ofSeconds(60);
    /** Read by ScenarioPortsTest, which checks every suite's port block. */
    final Target target = new Target(RegistryRunner.emulator(), Ports.from(28860));

    @Test
    void aMinuteOfRandomFaultsLosesNothing(@TempDir Path runDir) {
        long seed = Long.getLong("soak.seed", System.nanoTime() % 1_000_000);
        try (ScenarioRun run = target.newRun(runDir, CLIENTS, "soak")) {
            run.start(1);
            System.out.println("[soak] seed " + seed);
            Soak.Result result = new Soak(run, seed, Target.narrator("soak")).run(DURATION);
            System.out.println(result.line());
            assertThat(result.faultCount()).as("faults happened (seed " + seed + ")").isPositive();
            assertThat(result.ok()).as(result.line() + " (seed " + seed + ")\n" + run.timeline()).isTrue();
            assertThat(result.line()).startsWith("demo: ok scenario=soak clients=" + CLIENTS)
                    .contains(" lost=0 duplicates=0 connects_while_not_ready=0 ").contains(" faults=");
        }
    }
}
