package dev.reconnect.e2e.scenarios;

import dev.reconnect.devkit.launch.ConsulPorts;
import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.ProcessLauncher;
import dev.reconnect.devkit.launch.RegistryRunner;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Real Consul (a pinned dev agent) in a Testcontainers container, for the scenario suite where a
 * Docker engine exists. The container shares the host's network, so that Consul's HTTP checks reach
 * the services on 127.0.0.1 and the services and the gateway reach Consul on the scenario's port,
 * exactly as with consul-emulator ({@link HostNetworking} skips the suite where that cannot work).
 * ACLs stay off: a dev agent without ACL settings ignores the services' token.
 */
final class RealConsul implements RegistryRunner {
    static final String IMAGE = "hashicorp/consul:1.20.6";

    @Override
    public String name() {
        return "consul (" + IMAGE + "), ACLs off";
    }

    @Override
    public Running start(LocalSystem system, int port) {
        // Dev agent on loopback only; every one of its ports set explicitly inside the scenario's port
        // block, so that several scenario systems (and a developer's own Consul) can coexist on one host.
        ConsulPorts ports = ConsulPorts.around(port);
        // With host networking a taken port makes Consul exit with a bind error in the container's log;
        // checking first names the port instead.
        ports.byName().forEach((name, p) -> ProcessLauncher.requireFreePort("consul container (" + name + ")", p));
        GenericContainer<?> consul = new GenericContainer<>(IMAGE)
                .withNetworkMode("host")
                .withCommand(ports.devAgentArgs().toArray(String[]::new))
                .waitingFor(Wait.forLogMessage(".*Synced node info.*", 1).withStartupTimeout(Duration.ofSeconds(60)));
        consul.start();
        String id = consul.getContainerId().substring(0, 12);
        return new Running() {
            @Override
            public void kill() {
                // SIGKILL first (a crash, not a graceful leave), then remove the container and its ports.
                consul.getDockerClient().killContainerCmd(consul.getContainerId()).exec();
                consul.stop();
            }

            /** At the end of a scenario: stop() is a no-op once the container is gone (after kill()). */
            @Override
            public void close() {
                consul.stop();
            }

            @Override
            public String toString() {
                return "consul container " + id;
            }
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
