package dev.reconnect.devkit.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reconnect.devkit.scenario.ScenarioRun;
import dev.reconnect.protocol.Paths;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scenario that cannot start a process fails fast, says why, and leaves no process behind. */
class LaunchFailureTest {
    @TempDir
    Path runDir;

    @Test
    void aTakenPortFailsAtOnceNamingThePort() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = squatter.getLocalPort();
            LocalSystem system = new LocalSystem(LocalSystem.findRoot(), new Ports(port, port + 1, port + 2, port + 3), runDir);
            Instant start = Instant.now();
            try (ScenarioRun run = new ScenarioRun(system, 1, line -> { })) {
                assertThatThrownBy(() -> run.start(1))
                        .isInstanceOf(LaunchException.class)
                        .hasMessageContaining("port " + port + " is already in use");
            }
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
            assertThat(system.running()).isEmpty();
        }
    }

    @Test
    void aMissingJarFailsAtOnceSayingHowToBuildIt(@TempDir Path emptyRoot) {
        LocalSystem system = new LocalSystem(emptyRoot, Ports.from(28990), runDir);
        try (ScenarioRun run = new ScenarioRun(system, 1, line -> { })) {
            assertThatThrownBy(() -> run.start(1))
                    .isInstanceOf(LaunchException.class)
                    .hasMessageContaining("consul-emulator.jar is missing")
                    .hasMessageContaining("mvn -B package -DskipTests");
        }
        assertThat(system.running()).isEmpty();
    }

    @Test
    void aProcessThatDiesDuringStartUpFailsWithTheEndOfItsLog() {
        LocalSystem system = new LocalSystem(LocalSystem.findRoot(), Ports.from(28980), runDir);
        try (system) {
            ManagedProcess doomed = system.startClient("doomed", java.util.List.of("--no-such-option"), line -> { });
            assertThatThrownBy(() -> system.awaitOk(doomed, system.gateway().resolve(Paths.READINESS)))
                    .isInstanceOf(LaunchException.class)
                    .hasMessageContaining("doomed exited before")
                    .hasMessageContaining("no-such-option");
        }
        assertThat(system.running()).isEmpty();
    }
}
