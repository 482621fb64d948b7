package dev.reconnect.consul.emulator.support;

import dev.reconnect.consul.emulator.ConsulEmulator;
import dev.reconnect.consul.emulator.EmulatorConfig;
import java.net.URI;
import java.time.Duration;
import org.testcontainers.consul.ConsulContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * An agent the contract suite runs against: the emulator, or a real Consul in a container.
 *
 * @param baseUri base URL of the agent's HTTP API
 * @param checkHost the host name under which this agent reaches HTTP servers the test runs on this machine
 * @param reapDeadline how long a service with DeregisterCriticalServiceAfter "1s" may take to be reaped here
 * @param stop stops the agent
 */
public record ConsulTarget(URI baseUri, String checkHost, Duration reapDeadline, Runnable stop)
        implements AutoCloseable {

    /** Pinned: the contract is checked against this version, the one the emulator imitates. */
    public static final DockerImageName CONSUL_IMAGE = DockerImageName.parse("hashicorp/consul:1.20.6");

    /** Starts an emulator with this configuration; its checks run on this machine, so they reach 127.0.0.1. */
    public static ConsulTarget emulator(EmulatorConfig config) {
        ConsulEmulator emulator = ConsulEmulator.start(config);
        return new ConsulTarget(emulator.baseUri(), "127.0.0.1", Duration.ofSeconds(5), emulator::close);
    }

    /**
     * Starts a real Consul in this container. Its checks run inside the container and reach the test's
     * servers through Testcontainers' host tunnel, whose ports must be exposed before this is called.
     */
    public static ConsulTarget realConsul(ConsulContainer consul) {
        consul.start();
        URI base = URI.create("http://" + consul.getHost() + ":" + consul.getMappedPort(8500));
        // Consul's floor of 1 minute plus its 30-second reaper period, plus slack.
        return new ConsulTarget(base, "host.testcontainers.internal", Duration.ofSeconds(100), consul::stop);
    }

    @Override
    public void close() {
        stop.run();
    }
}
