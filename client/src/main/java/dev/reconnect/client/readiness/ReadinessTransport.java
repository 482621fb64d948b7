package dev.reconnect.client.readiness;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Performs the readiness GET. Behind an interface so that the state machine can be tested with a
 * fake; {@link JdkReadinessTransport} is the real one. The future fails only when no HTTP answer
 * came at all (refused, timed out, reset); any status, any body is an answer.
 */
public interface ReadinessTransport {
    CompletableFuture<HttpAnswer> get(URI uri, Duration timeout);
}
