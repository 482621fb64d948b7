package dev.reconnect.gateway.edge;

import dev.reconnect.protocol.Paths;
import org.springframework.web.server.ServerWebExchange;

/** Which requests the gateway's WebSocket filters look at: one definition for all of them. */
public final class WebSocketRequests {
    private WebSocketRequests() {}

    /** A request for the stream, {@code /ws} or below it. */
    public static boolean isStream(ServerWebExchange exchange) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        return path.equals(Paths.WEBSOCKET) || path.startsWith(Paths.WEBSOCKET + "/");
    }
}
