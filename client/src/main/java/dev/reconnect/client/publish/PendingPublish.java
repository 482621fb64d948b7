package dev.reconnect.client.publish;

import java.util.concurrent.CompletableFuture;

/** One publish that has no Ack yet. Its key stays the same across resends, so a resend is idempotent. */
public record PendingPublish(String key, String body, CompletableFuture<Long> future) {}
