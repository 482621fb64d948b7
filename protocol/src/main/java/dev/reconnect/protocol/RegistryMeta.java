package dev.reconnect.protocol;

/**
 * Keys of the service metadata ({@code Meta} in Consul) that an instance registers and the gateway reads:
 * one spelling for both sides.
 */
public final class RegistryMeta {
    /**
     * How many new WebSocket sessions per second (upgrade, hello, welcome, backlog) the instance says it can
     * take. The gateway sums it over an instance set and asks a crowd of woken clients to spread their connects
     * over the window that total needs; an instance that does not say leaves the gateway to its per-client rule.
     */
    public static final String CONNECTS_PER_SECOND = "connects-per-second";

    private RegistryMeta() {}
}
