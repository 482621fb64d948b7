package dev.reconnect.consul.emulator.contract;

import dev.reconnect.consul.emulator.support.ConsulTarget;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.Testcontainers;
import org.testcontainers.consul.ConsulContainer;

/**
 * The same contract suite against a real Consul dev agent, so the emulator is measured against the
 * real thing wherever Docker runs. Without Docker every test here is skipped with a clear reason.
 */
@ExtendWith(RequiresDocker.class)
class RealConsulContractTest extends AbstractConsulContractTest {

    @Override
    protected ConsulTarget startTarget(int healthPort) {
        // Checks reach the test's health target through this tunnel, which must exist before the container starts.
        Testcontainers.exposeHostPorts(healthPort);
        return ConsulTarget.realConsul(new ConsulContainer(ConsulTarget.CONSUL_IMAGE));
    }
}
