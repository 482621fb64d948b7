package dev.reconnect.client.readiness;

import java.util.Optional;

/**
 * An HTTP answer as the readiness check needs it.
 *
 * @param status     the HTTP status
 * @param body       the body as text (possibly empty, possibly not JSON at all)
 * @param retryAfter the raw {@code Retry-After} header, if any
 */
public record HttpAnswer(int status, String body, Optional<String> retryAfter) {
    public HttpAnswer {
        body = body == null ? "" : body;
        retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
    }

    public static HttpAnswer of(int status, String body) {
        return new HttpAnswer(status, body, Optional.empty());
    }

    public static HttpAnswer of(int status, String body, String retryAfter) {
        return new HttpAnswer(status, body, Optional.ofNullable(retryAfter));
    }
}
