package dev.reconnect.gateway.admission;

import dev.reconnect.gateway.edge.WebSocketRequests;
import dev.reconnect.protocol.CloseCodes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Lets WebSocket upgrades on {@code /ws} through at the rate {@link UpgradeAdmission} allows and answers the
 * rest itself, before any backend connection: the upgrade completes and the session is closed at once with
 * {@link CloseCodes#BUSY}, which both clients take as "wait and try again" (a session close before the welcome:
 * their usual backoff, not a failed upgrade). A refused HTTP status would not do: a browser cannot read it, and
 * the Java client would count it against the instance.
 */
class UpgradeAdmissionFilter implements WebFilter, Ordered {
    private static final Logger log = LoggerFactory.getLogger(UpgradeAdmissionFilter.class);
    private static final long QUIET_BEFORE_ALL_CLEAR_NANOS = java.time.Duration.ofSeconds(2).toNanos();

    private final UpgradeAdmission admission;
    private final WebSocketService webSockets;
    private final Counter refused;
    private final AtomicBoolean refusing = new AtomicBoolean();
    /**
     * When the last upgrade was refused: "admitting again" is said only after a quiet spell longer than the
     * limiter's one-second cycle, not at the first admitted upgrade of every new cycle of a lasting overload.
     */
    private final AtomicLong lastRefusedNanos = new AtomicLong();

    UpgradeAdmissionFilter(UpgradeAdmission admission, WebSocketService webSockets, MeterRegistry meters) {
        this.admission = admission;
        this.webSockets = webSockets;
        this.refused = Counter.builder("gateway.websocket.admission.refused")
                .description("WebSocket upgrades answered with close 4004 (busy) instead of going to an instance")
                .register(meters);
    }

    /** After the origin check: a foreign page's upgrade is refused for that reason, and uses no permit. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        boolean webSocket = WebSocketRequests.isStream(exchange)
                && "websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getFirst(HttpHeaders.UPGRADE));
        if (!webSocket) {
            return chain.filter(exchange);
        }
        OptionalLong limit = admission.refuse();
        if (limit.isEmpty()) {
            if (refusing.get() && System.nanoTime() - lastRefusedNanos.get() > QUIET_BEFORE_ALL_CLEAR_NANOS
                    && refusing.compareAndSet(true, false)) {
                log.info("Admitting every WebSocket upgrade again: none refused for over 2 s");
            }
            return chain.filter(exchange);
        }
        refused.increment();
        lastRefusedNanos.set(System.nanoTime());
        if (refusing.compareAndSet(false, true)) {
            log.warn("More clients are connecting at once than the instances registered they can take: upgrades beyond"
                    + " {} per second are closed with {} (busy), and the clients try again after their backoff",
                    limit.getAsLong(), CloseCodes.BUSY);
        }
        CloseStatus busy = new CloseStatus(CloseCodes.BUSY, "busy: over " + limit.getAsLong() + " connects per second");
        return webSockets.handleRequest(exchange, session -> session.close(busy));
    }
}
