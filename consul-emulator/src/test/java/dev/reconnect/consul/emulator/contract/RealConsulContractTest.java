package dev.reconnect.consul.emulator.contract;

import dev.reconnect.consul.emulator.support.ConsulTarget;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.Testcontainers;
import org.testcontainers.consul.ConsulContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same contract suite against a real Consul dev agent, so the emulator is measured against the
 * real thing wherever Docker runs. Without Docker every test here is skipped with a clear reason.
 */
@ExtendWith(RequiresDocker.class)
class RealConsulContractTest extends AbstractConsulContractTest {

    /** Pinned: the contract is checked against this version, the one the emulator imitates. */
    static final DockerImageName IMAGE = DockerImageName.parse("hashicorp/consul:1.20.6");

    @Override
    protected ConsulTarget startTarget(int healthPort) {
        // Checks run inside the container; they reach the test's health target through this tunnel,
        // which must exist before the container starts.
        Testcontainers.exposeHostPorts(healthPort);
        ConsulContainer consul = new ConsulContainer(IMAGE);
        consul.start();
        return new ConsulTarget() {
            @Override
            public URI baseUri() {
                return URI.create("http://" + consul.getHost() + ":" + consul.getMappedPort(8500));
            }

            @Override
            public String checkHost() {
                return "host.testcontainers.internal";
            }

            @Override
            public Duration reapDeadline() {
                // Consul's floor of 1 minute plus its 30-second reaper period, plus slack.
                return Duration.ofSeconds(100);
            }

            @Override
            public void close() {
                consul.stop();
            }
        };
    }
}
