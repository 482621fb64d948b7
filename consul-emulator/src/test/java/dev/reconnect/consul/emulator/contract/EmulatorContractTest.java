package dev.reconnect.consul.emulator.contract;

import dev.reconnect.consul.emulator.ConsulEmulator;
import dev.reconnect.consul.emulator.EmulatorConfig;
import dev.reconnect.consul.emulator.support.ConsulTarget;
import java.net.URI;
import java.time.Duration;

/** The contract suite against the emulator, with a fast reaper so reaping takes a second, not a minute. */
class EmulatorContractTest extends AbstractConsulContractTest {

    @Override
    protected ConsulTarget startTarget(int healthPort) {
        ConsulEmulator emulator = ConsulEmulator.start(EmulatorConfig.builder()
                .port(0)
                .reaperInterval(Duration.ofMillis(200))
                .minDeregisterAfter(Duration.ofSeconds(1))
                .build());
        return new ConsulTarget() {
            @Override
            public URI baseUri() {
                return emulator.baseUri();
            }

            @Override
            public String checkHost() {
                return "127.0.0.1";
            }

            @Override
            public Duration reapDeadline() {
                return Duration.ofSeconds(5);
            }

            @Override
            public void close() {
                emulator.close();
            }
        };
    }
}
