package dev.reconnect.gateway.registry;

import java.util.concurrent.CompletableFuture;

/** Asks an instance directly whether it still accepts connections. */
public interface InstanceProber {
    /** Completes with true when a connection to the instance could be opened. */
    CompletableFuture<Boolean> accepts(Instance instance);
}
