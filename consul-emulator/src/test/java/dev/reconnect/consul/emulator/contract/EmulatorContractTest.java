package dev.reconnect.consul.emulator.contract;

import dev.reconnect.consul.emulator.EmulatorConfig;
import dev.reconnect.consul.emulator.support.ConsulTarget;
import java.time.Duration;

/** The contract suite against the emulator, with a fast reaper so reaping takes a second, not a minute. */
class EmulatorContractTest extends AbstractConsulContractTest {

    @Override
    protected ConsulTarget startTarget(int healthPort) {
        return ConsulTarget.emulator(EmulatorConfig.builder()
                .port(0)
                .reaperInterval(Duration.ofMillis(200))
                .minDeregisterAfter(Duration.ofSeconds(1))
                .build());
    }
}
