package dev.reconnect.gateway.routing;

import dev.reconnect.gateway.edge.WebSocketRequests;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Marks every WebSocket upgrade on {@code /ws} with its client connection (see {@link ClientConnections}). */
class ClientConnectionFilter implements WebFilter, Ordered {
    private final ClientConnections connections;

    ClientConnectionFilter(ClientConnections connections) {
        this.connections = connections;
    }

    /** After the origin check and the admission: only upgrades that go on to a backend are marked. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 30;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!WebSocketRequests.isStream(exchange)) {
            return chain.filter(exchange);
        }
        String id = connections.register(exchange);
        ServerWebExchange marked = exchange.mutate()
                .request(r -> r.headers(h -> {
                    h.remove(ClientConnections.MARKER);
                    if (!id.isEmpty()) {
                        h.set(ClientConnections.MARKER, id);
                    }
                }))
                .build();
        return chain.filter(marked).doFinally(signal -> connections.forget(id));
    }
}
