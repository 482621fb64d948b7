package dev.reconnect.e2e.scenarios;

import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The same scenarios on real Consul; skipped (with the reason) without Docker or host networking ({@link HostNetworking}). */
@Testcontainers(disabledWithoutDocker = true)
@ExtendWith(HostNetworking.class)
class StartOrderOnRealConsulIT extends StartOrderScenarios {
    StartOrderOnRealConsulIT() {
        super(new RealConsul(), order -> Ports.from(30700 + 20 * order.ordinal()));
    }
}
