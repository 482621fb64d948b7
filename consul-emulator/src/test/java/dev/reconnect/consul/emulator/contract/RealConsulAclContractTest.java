package dev.reconnect.consul.emulator.contract;

import static org.awaitility.Awaitility.await;

import dev.reconnect.consul.emulator.support.ConsulHttp;
import dev.reconnect.consul.emulator.support.ConsulTarget;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.consul.ConsulContainer;

/**
 * The ACL contract against a real Consul dev agent with ACLs on, default deny, and {@link #TOKEN} as
 * its initial management token (and agent token, so its own anti-entropy sync is not refused).
 * Skipped without Docker.
 */
@ExtendWith(RequiresDocker.class)
class RealConsulAclContractTest extends AbstractAclContractTest {

    @Override
    protected ConsulTarget startTarget() {
        ConsulTarget consul = ConsulTarget.realConsul(new ConsulContainer(ConsulTarget.CONSUL_IMAGE)
                // The image's entrypoint writes this into its config directory.
                .withEnv("CONSUL_LOCAL_CONFIG", "{\"acl\": {\"enabled\": true, \"default_policy\": \"deny\","
                        + " \"enable_token_persistence\": false, \"tokens\": {\"initial_management\": \"" + TOKEN
                        + "\", \"agent\": \"" + TOKEN + "\"}}}"));
        // The leader creates the management token shortly after it is elected; until then it is "ACL not found".
        ConsulHttp admin = new ConsulHttp(consul.baseUri(), "X-Consul-Token", TOKEN);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> admin.get("/v1/agent/self").status() == 200);
        } catch (RuntimeException e) {
            // The class's @AfterAll only stops a target it was given: do not leave this container running.
            consul.close();
            throw e;
        }
        return consul;
    }
}
