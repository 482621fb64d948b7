package dev.reconnect.gateway.registry;

/**
 * A passing instance as the registry reports it.
 *
 * @param healthIndex the highest ModifyIndex of the instance's entry and checks: it moves whenever
 *                    the registry learns something new about the instance
 */
public record Instance(String id, String host, int port, long healthIndex) {
    /** host:port, the identity the gateway sees when it connects. */
    public String address() {
        return host + ":" + port;
    }
}
