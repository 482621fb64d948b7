package dev.reconnect.ws.lifecycle;

import dev.reconnect.ws.stream.StreamHandler;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * On SIGTERM, after the registration keeper has deregistered this instance and waited its grace
 * period: close every session with 1001 "restarting". Clients then ask readiness and reconnect to
 * another instance, or wait for this one to come back; nothing is lost because they resume by seq.
 */
@Component
class GracefulShutdown {
    private final StreamHandler handler;

    GracefulShutdown(StreamHandler handler) {
        this.handler = handler;
    }

    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    void closeSessions() {
        handler.closeAllForRestart();
    }
}
