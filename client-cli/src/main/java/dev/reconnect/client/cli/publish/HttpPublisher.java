package dev.reconnect.client.cli.publish;

import dev.reconnect.client.readiness.RetryAfter;
import dev.reconnect.client.transport.ConnectFailure;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.log.PublishRequest;
import dev.reconnect.protocol.log.PublishResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** POSTs one message to {@code /api/messages} and classifies the answer. */
public final class HttpPublisher {
    private final HttpClient http;
    private final URI messages;
    private final Duration timeout;

    public HttpPublisher(HttpClient http, URI gateway, Duration timeout) {
        this.http = http;
        String base = gateway.toString().endsWith("/") ? gateway.toString().substring(0, gateway.toString().length() - 1)
                : gateway.toString();
        this.messages = URI.create(base + Paths.MESSAGES);
        this.timeout = timeout;
    }

    public URI uri() {
        return messages;
    }

    public PublishAttempt publish(String key, String body) throws InterruptedException {
        String json = Json.MAPPER.writeValueAsString(new PublishRequest(key, body));
        HttpRequest request = HttpRequest.newBuilder(messages)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new PublishAttempt.Retryable("gateway unreachable (" + ConnectFailure.describe(e) + ")", Duration.ZERO);
        }
        return classify(response.statusCode(), response.body(),
                RetryAfter.parse(response.headers().firstValue("Retry-After"), Instant.now()));
    }

    static PublishAttempt classify(int status, String body, Duration retryAfter) {
        if (status == 200 || status == 201) {
            try {
                PublishResult result = Json.MAPPER.readValue(body, PublishResult.class);
                if (result.seq() > 0) {
                    return new PublishAttempt.Stored(result);
                }
            } catch (JacksonException | IllegalArgumentException e) {
                // fall through
            }
            return new PublishAttempt.Retryable("HTTP " + status + " without a publish result", retryAfter);
        }
        String reason = "HTTP " + status + errorText(body);
        if (status >= 500 || status == 429 || status == 408) {
            return new PublishAttempt.Retryable(reason, retryAfter);
        }
        return new PublishAttempt.Refused(status, reason);
    }

    private static String errorText(String body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.path("error").isString()) {
                return ": " + node.get("error").asString();
            }
        } catch (JacksonException | IllegalArgumentException e) {
            // not JSON
        }
        return "";
    }
}
