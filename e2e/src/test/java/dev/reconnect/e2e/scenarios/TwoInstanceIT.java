package dev.reconnect.e2e.scenarios;

import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;

class TwoInstanceIT extends TwoInstanceScenarios {
    TwoInstanceIT() {
        super(new Target(RegistryRunner.emulator(), Ports.from(28600)));
    }
}
