package dev.reconnect.gateway.registry;

/**
 * A passing instance as the registry reports it.
 *
 * @param healthIndex       the highest ModifyIndex of the instance's entry and checks: it moves whenever
 *                          the registry learns something new about the instance
 * @param connectsPerSecond the new sessions per second the instance registered it can take
 *                          ({@link dev.reconnect.protocol.RegistryMeta#CONNECTS_PER_SECOND}); 0 when it did not say
 */
public record Instance(String id, String host, int port, long healthIndex, int connectsPerSecond) {

    public Instance {
        if (connectsPerSecond < 0) {
            throw new IllegalArgumentException("connectsPerSecond must not be negative: " + connectsPerSecond);
        }
    }

    /** An instance that says nothing about its capacity. */
    public Instance(String id, String host, int port, long healthIndex) {
        this(id, host, port, healthIndex, 0);
    }

    /** host:port, the identity the gateway sees when it connects. */
    public String address() {
        return host + ":" + port;
    }
}
