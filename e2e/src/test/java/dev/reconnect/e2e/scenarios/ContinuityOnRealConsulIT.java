package dev.reconnect.e2e.scenarios;

import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The continuity scenarios on real Consul; skipped (with the reason) where no Docker engine runs or where
 * host networking would not share this machine's 127.0.0.1 ({@link HostNetworking}).
 */
@Testcontainers(disabledWithoutDocker = true)
@ExtendWith(HostNetworking.class)
class ContinuityOnRealConsulIT extends ContinuityScenarios {
    ContinuityOnRealConsulIT() {
        super(new Target(new RealConsul(), Ports.from(30500)));
    }
}
