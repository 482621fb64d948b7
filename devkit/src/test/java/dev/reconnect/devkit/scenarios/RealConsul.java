package dev.reconnect.devkit.scenarios;

import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.RegistryRunner;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Real Consul (a pinned dev agent) in a Testcontainers container, for the scenario suite where a
 * Docker engine exists. The container shares the host's network, so that Consul's HTTP checks reach
 * the services on 127.0.0.1 and the services and the gateway reach Consul on the scenario's port,
 * exactly as with consul-emulator.
 */
final class RealConsul implements RegistryRunner {
    static final String IMAGE = "hashicorp/consul:1.20.6";

    @Override
    public String name() {
        return "consul (" + IMAGE + ")";
    }

    @Override
    public Running start(LocalSystem system, int port) {
        // Dev agent on loopback only; every port moved off Consul's defaults, so that several
        // scenario systems (and a developer's own Consul) can coexist on one host.
        String ports = "ports { http = " + port + ", dns = -1, grpc = -1, grpc_tls = -1, serf_lan = " + (port + 40)
                + ", serf_wan = " + (port + 41) + ", server = " + (port + 42) + " }";
        GenericContainer<?> consul = new GenericContainer<>(IMAGE)
                .withNetworkMode("host")
                .withCommand("agent", "-dev", "-client=127.0.0.1", "-bind=127.0.0.1", "-hcl", ports)
                .waitingFor(Wait.forLogMessage(".*Synced node info.*", 1).withStartupTimeout(Duration.ofSeconds(60)));
        consul.start();
        return new Running() {
            @Override
            public void kill() {
                consul.getDockerClient().killContainerCmd(consul.getContainerId()).exec();
                consul.stop();
            }

            @Override
            public String toString() {
                return "consul container " + consul.getContainerId().substring(0, 12);
            }
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
