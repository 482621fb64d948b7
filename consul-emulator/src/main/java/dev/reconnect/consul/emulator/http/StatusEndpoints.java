package dev.reconnect.consul.emulator.http;

import java.nio.charset.StandardCharsets;

/** /v1/status/*: a dev agent is its own leader at 127.0.0.1:8300, and clients probe exactly that. */
final class StatusEndpoints {

    static final String LEADER = "127.0.0.1:8300";

    void register(Router router) {
        router.command("GET", "/v1/status/leader",
                request -> ApiResponse.json(("\"" + LEADER + "\"").getBytes(StandardCharsets.UTF_8), 0));
        router.command("GET", "/v1/status/peers",
                request -> ApiResponse.json(("[\"" + LEADER + "\"]").getBytes(StandardCharsets.UTF_8), 0));
    }
}
