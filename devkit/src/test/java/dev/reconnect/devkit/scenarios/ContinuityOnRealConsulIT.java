package dev.reconnect.devkit.scenarios;

import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The continuity scenarios on real Consul; reported as skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class ContinuityOnRealConsulIT extends ContinuityScenarios {
    @Override
    RegistryRunner registry() {
        return new RealConsul();
    }

    @Override
    Ports ports() {
        return Ports.from(30500);
    }
}
