package dev.reconnect.ws.stream;

import dev.reconnect.protocol.Limits;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import dev.reconnect.protocol.Paths;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

@Configuration
@EnableWebSocket
class WebSocketConfig implements WebSocketConfigurer {
    private final StreamHandler handler;

    WebSocketConfig(StreamHandler handler) {
        this.handler = handler;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(handler, Paths.WEBSOCKET).setAllowedOriginPatterns("*");
    }

    @Bean
    MeterBinder sessionMeters() {
        return registry -> {
            Gauge.builder("ws.sessions", handler, StreamHandler::sessionCount)
                    .description("open WebSocket sessions on this instance").register(registry);
            Gauge.builder("ws.send.queued.bytes", handler, StreamHandler::queuedBytes).baseUnit("bytes")
                    .description("bytes waiting to be sent, summed over all sessions").register(registry);
        };
    }

    /** Frames over the limit end the session with 1009 instead of being buffered. */
    @Bean
    ServletServerContainerFactoryBean webSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(Limits.MAX_FRAME_BYTES);
        container.setMaxBinaryMessageBufferSize(Limits.MAX_FRAME_BYTES);
        return container;
    }
}
