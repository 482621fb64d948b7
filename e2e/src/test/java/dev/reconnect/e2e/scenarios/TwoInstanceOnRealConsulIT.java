package dev.reconnect.e2e.scenarios;

import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The same scenarios on real Consul; skipped (with the reason) without Docker or host networking ({@link HostNetworking}). */
@Testcontainers(disabledWithoutDocker = true)
@ExtendWith(HostNetworking.class)
class TwoInstanceOnRealConsulIT extends TwoInstanceScenarios {
    TwoInstanceOnRealConsulIT() {
        super(new Target(new RealConsul(), Ports.from(30600)));
    }
}
