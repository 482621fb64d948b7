package dev.reconnect.client.readiness;

import dev.reconnect.client.transport.ConnectFailure;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.readiness.Readiness;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns whatever came back from {@code GET /readiness} into a {@link ReadinessResult}. Never throws:
 * garbage, HTML, truncated JSON and unexpected statuses are results too.
 */
public final class ReadinessParser {
    private static final int MAX_SNIPPET = 60;
    /** A 429 without a usable Retry-After still means "not now": wait this long (the gateway sends 1 s). */
    static final Duration DEFAULT_THROTTLE_WAIT = Duration.ofSeconds(1);

    private ReadinessParser() {}

    public static ReadinessResult parse(HttpAnswer answer, Instant now) {
        Duration retryAfter = RetryAfter.parse(answer.retryAfter(), now);
        int status = answer.status();
        if (status == 429) {
            Duration wait = retryAfter.isZero() ? DEFAULT_THROTTLE_WAIT : retryAfter;
            return new ReadinessResult(ReadinessOutcome.THROTTLED, null, OptionalLong.empty(), wait,
                    "gateway busy, asked to wait " + wait.toMillis() + " ms (HTTP 429" + errorText(answer.body()) + ")");
        }
        if (status != 200 && status != 503) {
            return new ReadinessResult(ReadinessOutcome.HTTP_ERROR, null, OptionalLong.empty(), retryAfter,
                    "HTTP " + status + snippet(answer.body()));
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(answer.body());
        } catch (JacksonException | IllegalArgumentException e) {
            node = null;
        }
        if (node == null || !node.isObject() || !node.path("ready").isBoolean()) {
            return new ReadinessResult(ReadinessOutcome.GARBAGE, null, OptionalLong.empty(), retryAfter,
                    "not a readiness answer (HTTP " + status + snippet(answer.body()) + ")");
        }
        if (!node.path("services").isArray()) {
            ((ObjectNode) node).putArray("services"); // a document without services is still an answer
        }
        Readiness readiness;
        try {
            readiness = Json.MAPPER.treeToValue(node, Readiness.class);
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            return new ReadinessResult(ReadinessOutcome.GARBAGE, null, OptionalLong.empty(), retryAfter,
                    "malformed readiness answer (HTTP " + status + ")");
        }
        JsonNode indexNode = node.get("index");
        OptionalLong index = indexNode != null && indexNode.isIntegralNumber() && indexNode.canConvertToLong()
                ? OptionalLong.of(indexNode.asLong()) : OptionalLong.empty();
        // The status is authoritative: a 503 is never "ready", whatever the body says.
        boolean ready = status == 200 && readiness.ready();
        ReadinessResult partial = new ReadinessResult(ready ? ReadinessOutcome.READY : ReadinessOutcome.NOT_READY,
                readiness, index, retryAfter, "");
        String summary = partial.summary();
        String detail = ready ? "ready" + (summary.isEmpty() ? "" : " (" + summary + ")")
                : "not ready" + (summary.isEmpty() ? "" : " (" + summary + ")");
        return new ReadinessResult(partial.outcome(), readiness, index, retryAfter, detail);
    }

    /** The result for a check that got no HTTP answer at all. */
    public static ReadinessResult unreachable(Throwable error) {
        return new ReadinessResult(ReadinessOutcome.UNREACHABLE, null, OptionalLong.empty(), Duration.ZERO,
                "gateway unreachable (" + ConnectFailure.describe(error) + ")");
    }

    /** The {@code error} of a JSON error body, else a snippet of whatever came. */
    private static String errorText(String body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.path("error").isString()) {
                return ": " + abbreviate(node.get("error").asString());
            }
        } catch (JacksonException | IllegalArgumentException e) {
            // not JSON: fall back to the raw text
        }
        return body.isBlank() ? "" : snippet(body);
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > MAX_SNIPPET ? flat.substring(0, MAX_SNIPPET) + "…" : flat;
    }

    private static String snippet(String body) {
        String flat = body.replaceAll("\\s+", " ").strip();
        if (flat.isEmpty()) {
            return ", empty body";
        }
        return ": \"" + (flat.length() > MAX_SNIPPET ? flat.substring(0, MAX_SNIPPET) + "…" : flat) + "\"";
    }
}
