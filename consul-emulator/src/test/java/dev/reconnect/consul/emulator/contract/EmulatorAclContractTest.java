package dev.reconnect.consul.emulator.contract;

import dev.reconnect.consul.emulator.EmulatorConfig;
import dev.reconnect.consul.emulator.support.ConsulTarget;

/** The ACL contract against the emulator started with the management token. */
class EmulatorAclContractTest extends AbstractAclContractTest {

    @Override
    protected ConsulTarget startTarget() {
        return ConsulTarget.emulator(EmulatorConfig.builder().port(0).aclToken(TOKEN).build());
    }
}
