package dev.reconnect.protocol;

/**
 * Where CompletableFuture runs asynchronous stages that name no executor. On one or two CPUs the common
 * ForkJoinPool has a parallelism of 1, and CompletableFuture then starts a new thread for every such stage:
 * the JDK's HttpClient completes each {@code sendAsync} that way (a readiness answer, a WebSocket handshake, a
 * log read or publish from ws-service to api-service through Spring's JDK request factory). The mains of the
 * services, the client CLI, the demo and the bench (whose baseline clients use HttpClient) call
 * {@link #onTheCommonPool()} first.
 */
public final class AsyncStages {
    public static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private AsyncStages() {}

    /**
     * A common-pool parallelism of 2 on one or two CPUs, so that those stages run on the common pool. Counts
     * only before the common pool is first made (by CompletableFuture, a parallel stream, ...), hence first in
     * main; an explicit {@code -D} setting wins.
     */
    public static void onTheCommonPool() {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
    }
}
