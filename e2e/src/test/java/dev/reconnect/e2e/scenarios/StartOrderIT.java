package dev.reconnect.e2e.scenarios;

import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;

class StartOrderIT extends StartOrderScenarios {
    StartOrderIT() {
        super(RegistryRunner.emulator(), order -> Ports.from(28700 + 20 * order.ordinal()));
    }
}
