package dev.reconnect.gateway.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses WebSocket upgrades on {@code /ws} from browser pages of foreign origins with 403, before
 * any upgrade or backend connection (the gateway answers 101 before it connects to a backend, so
 * the check cannot be left to the route).
 */
class OriginCheckFilter implements WebFilter, Ordered {
    private static final Logger log = LoggerFactory.getLogger(OriginCheckFilter.class);
    private static final byte[] REFUSED = "{\"error\":\"this page's origin may not open a WebSocket on this gateway\"}"
            .getBytes(StandardCharsets.UTF_8);

    private final OriginPolicy policy;
    private final Counter rejected;

    OriginCheckFilter(OriginPolicy policy, MeterRegistry meters) {
        this.policy = policy;
        this.rejected = Counter.builder("gateway.websocket.origin.rejected")
                .description("WebSocket upgrades refused with 403 because of the page's origin").register(meters);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!WebSocketRequests.isStream(exchange)) {
            return chain.filter(exchange);
        }
        String origin = request.getHeaders().getFirst(HttpHeaders.ORIGIN);
        if (origin == null || policy.allows(origin, request.getURI())) {
            return chain.filter(exchange);
        }
        rejected.increment();
        log.debug("Refused a WebSocket upgrade from origin {}", origin);
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.FORBIDDEN);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        DataBuffer body = response.bufferFactory().wrap(REFUSED);
        return response.writeWith(Mono.just(body));
    }
}
