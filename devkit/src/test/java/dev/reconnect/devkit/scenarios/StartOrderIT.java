package dev.reconnect.devkit.scenarios;

import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;
import dev.reconnect.devkit.scenario.StartOrder;

class StartOrderIT extends StartOrderScenarios {
    @Override
    RegistryRunner registry() {
        return RegistryRunner.emulator();
    }

    @Override
    Ports ports(StartOrder order) {
        return Ports.from(28700 + 20 * order.ordinal());
    }
}
