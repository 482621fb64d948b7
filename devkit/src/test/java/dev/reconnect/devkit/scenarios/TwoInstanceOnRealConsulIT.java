package dev.reconnect.devkit.scenarios;

import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;
import org.testcontainers.junit.jupiter.Testcontainers;

@Testcontainers(disabledWithoutDocker = true)
class TwoInstanceOnRealConsulIT extends TwoInstanceScenarios {
    @Override
    RegistryRunner registry() {
        return new RealConsul();
    }

    @Override
    Ports ports() {
        return Ports.from(30600);
    }
}
