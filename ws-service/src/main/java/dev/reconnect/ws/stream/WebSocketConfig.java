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

    /**
     * The protocol speaks text frames only, and Tomcat allocates both message buffers for every session
     * up front (the text one in chars, so twice its size in bytes): a binary buffer as large as the text
     * one cost 64 KiB of heap per idle session for nothing. A binary message still gets a clear close:
     * 1003 from the handler when it fits this buffer, 1009 from Tomcat when it does not.
     */
    static final int BINARY_MESSAGE_BUFFER_BYTES = 256;

    /** Frames over the limit end the session with 1009 instead of being buffered. */
    @Bean
    ServletServerContainerFactoryBean webSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(Limits.MAX_FRAME_BYTES);
        container.setMaxBinaryMessageBufferSize(BINARY_MESSAGE_BUFFER_BYTES);
        return container;
    }
}
