package dev.reconnect.consul.emulator.contract;

import dev.reconnect.consul.emulator.ConsulEmulator;
import dev.reconnect.consul.emulator.EmulatorConfig;
import dev.reconnect.consul.emulator.support.ConsulTarget;
import java.net.URI;
import java.time.Duration;

/** The ACL contract against the emulator started with the management token. */
class EmulatorAclContractTest extends AbstractAclContractTest {

    @Override
    protected ConsulTarget startTarget() {
        ConsulEmulator emulator = ConsulEmulator.start(EmulatorConfig.builder().port(0).aclToken(TOKEN).build());
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
