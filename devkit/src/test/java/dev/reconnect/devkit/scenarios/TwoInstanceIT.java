package dev.reconnect.devkit.scenarios;

import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;

class TwoInstanceIT extends TwoInstanceScenarios {
    @Override
    RegistryRunner registry() {
        return RegistryRunner.emulator();
    }

    @Override
    Ports ports() {
        return Ports.from(28600);
    }
}
