package dev.reconnect.protocol;

import java.util.concurrent.CompletableFuture;

/** Prints the executor CompletableFuture's asynchronous stages use after a main's first step ({@link AsyncStagesTest}). */
public final class AsyncStagesProbe {
    private AsyncStagesProbe() {}

    public static void main(String[] args) {
        AsyncStages.onTheCommonPool();
        System.out.println(new CompletableFuture<Void>().defaultExecutor().getClass().getName());
    }
}
