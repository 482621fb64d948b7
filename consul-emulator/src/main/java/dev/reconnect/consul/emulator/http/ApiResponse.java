package dev.reconnect.consul.emulator.http;

/**
 * A finished answer. {@code index} is what goes into X-Consul-Index; 0 means "the agent's latest",
 * which is what Consul-like clients expect on answers that are not queries.
 */
public record ApiResponse(int status, String contentType, byte[] body, long index, String allow) {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    public static ApiResponse json(byte[] body, long index) {
        return new ApiResponse(200, JSON, body, index, null);
    }

    /** Writes succeed with an empty 200, as Consul's agent endpoints do. */
    public static ApiResponse ok() {
        return new ApiResponse(200, JSON, new byte[0], 0, null);
    }

    public static ApiResponse text(int status, String message) {
        return new ApiResponse(status, TEXT, message.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, null);
    }

    ApiResponse withAllow(String methods) {
        return new ApiResponse(status, contentType, body, index, methods);
    }
}
