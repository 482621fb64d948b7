package dev.reconnect.gateway.routing;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.Connection;

/**
 * Whether the client of a proxied WebSocket is still connected, for the judge of the backend's end. When a
 * client drops its connection without a close frame, Reactor Netty can end the gateway's backend connection
 * before the client's side has told the proxy anything; without this, that end looked like a dying backend
 * and one client's dropped connection put the instance under check, and readiness said "not ready" to every
 * client for the probe's time.
 *
 * <p>The upgrade request carries a marker header from the edge to the backend client, which takes it off
 * before the request goes on: the WebSocket client sees only the URL and the headers.
 */
final class ClientConnections {
    /** Set (never trusted from a client: always overwritten) on every proxied upgrade. */
    static final String MARKER = "X-Gateway-Client-Connection";
    private static final BooleanSupplier UNKNOWN = () -> true;

    private final Map<String, BooleanSupplier> connected = new ConcurrentHashMap<>();

    /** Marks the exchange's request; empty when the server is not Reactor Netty (nothing to ask then). */
    String register(ServerWebExchange exchange) {
        Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        if (!(request instanceof Connection connection)) {
            return "";
        }
        String id = UUID.randomUUID().toString();
        connected.put(id, () -> connection.channel().isActive());
        return id;
    }

    void forget(String id) {
        connected.remove(id);
    }

    /** Whether the client behind these upgrade headers is still connected (true when unknown). */
    BooleanSupplier clientConnected(HttpHeaders headers) {
        String id = headers.getFirst(MARKER);
        return id == null ? UNKNOWN : connected.getOrDefault(id, UNKNOWN);
    }

    /** The headers without the marker, for the backend. */
    static HttpHeaders forBackend(HttpHeaders headers) {
        if (!headers.containsHeader(MARKER)) {
            return headers;
        }
        HttpHeaders copy = new HttpHeaders();
        copy.putAll(headers);
        copy.remove(MARKER);
        return copy;
    }
}
