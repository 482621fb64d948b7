package dev.reconnect.consul.emulator.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A finished answer. {@code index} is what goes into X-Consul-Index; 0 means "the agent's latest",
 * which is what Consul-like clients expect on answers that are not queries. {@code headers} are
 * extra response headers an endpoint adds (such as X-Consul-ContentHash).
 */
public record ApiResponse(int status, String contentType, byte[] body, long index, String allow,
        Map<String, String> headers) {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    public static ApiResponse json(byte[] body, long index) {
        return new ApiResponse(200, JSON, body, index, null, Map.of());
    }

    /** Writes succeed with an empty 200, as Consul's agent endpoints do. */
    public static ApiResponse ok() {
        return new ApiResponse(200, JSON, new byte[0], 0, null, Map.of());
    }

    public static ApiResponse text(int status, String message) {
        return new ApiResponse(status, TEXT, message.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, null,
                Map.of());
    }

    ApiResponse withAllow(String methods) {
        return new ApiResponse(status, contentType, body, index, methods, headers);
    }

    ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, contentType, body, index, allow, more);
    }
}
