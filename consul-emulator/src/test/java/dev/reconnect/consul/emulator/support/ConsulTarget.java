package dev.reconnect.consul.emulator.support;

import java.net.URI;
import java.time.Duration;

/** An agent the contract suite runs against: the emulator, or a real Consul in a container. */
public interface ConsulTarget extends AutoCloseable {

    /** Base URL of the agent's HTTP API. */
    URI baseUri();

    /** The host name under which this agent reaches HTTP servers the test runs on this machine. */
    String checkHost();

    /** How long a service with DeregisterCriticalServiceAfter "1s" may take to be reaped here. */
    Duration reapDeadline();

    @Override
    void close();
}
