package dev.reconnect.e2e.scenarios;

import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;

/** The continuity scenarios on consul-emulator: they run everywhere. */
class ContinuityIT extends ContinuityScenarios {
    ContinuityIT() {
        super(new Target(RegistryRunner.emulator(), Ports.from(28500)));
    }
}
