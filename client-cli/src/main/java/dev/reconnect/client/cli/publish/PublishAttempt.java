package dev.reconnect.client.cli.publish;

import dev.reconnect.protocol.log.PublishResult;
import java.time.Duration;

/** How one POST of a message ended. */
public sealed interface PublishAttempt {

    /** Stored (201), or already stored under this key (200, {@code duplicate}). */
    record Stored(PublishResult result) implements PublishAttempt {}

    /** Worth retrying with the same key: 5xx, 429, 408, no answer, or an answer that is not a result. */
    record Retryable(String reason, Duration retryAfter) implements PublishAttempt {}

    /** Refused for good (e.g. 400, 409 key conflict): retrying cannot help. */
    record Refused(int status, String reason) implements PublishAttempt {}
}
