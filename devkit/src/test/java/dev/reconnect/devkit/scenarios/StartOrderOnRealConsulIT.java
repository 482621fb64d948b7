package dev.reconnect.devkit.scenarios;

import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;
import dev.reconnect.devkit.scenario.StartOrder;
import org.testcontainers.junit.jupiter.Testcontainers;

@Testcontainers(disabledWithoutDocker = true)
class StartOrderOnRealConsulIT extends StartOrderScenarios {
    @Override
    RegistryRunner registry() {
        return new RealConsul();
    }

    @Override
    Ports ports(StartOrder order) {
        return Ports.from(30700 + 20 * order.ordinal());
    }
}
