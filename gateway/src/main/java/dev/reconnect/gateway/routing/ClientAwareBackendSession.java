package dev.reconnect.gateway.routing;

import java.util.Map;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The gateway's session to a backend, remembering whether the client's side ended first (the
 * gateway then closes the backend side itself, passing on the client's close code, e.g. a browser's
 * 1001 when it leaves the page). Such an end says nothing about the backend's health.
 */
final class ClientAwareBackendSession implements WebSocketSession {
    private final WebSocketSession delegate;
    private volatile boolean clientSideEnded;

    ClientAwareBackendSession(WebSocketSession delegate) {
        this.delegate = delegate;
    }

    boolean clientSideEnded() {
        return clientSideEnded;
    }

    @Override
    public Mono<Void> close(CloseStatus status) {
        clientSideEnded = true;
        return delegate.close(status);
    }

    /** {@code messages} are the client's: when they end, the client has gone. */
    @Override
    public Mono<Void> send(Publisher<WebSocketMessage> messages) {
        return delegate.send(Flux.from(messages).doFinally(signal -> clientSideEnded = true));
    }

    @Override
    public String getId() {
        return delegate.getId();
    }

    @Override
    public HandshakeInfo getHandshakeInfo() {
        return delegate.getHandshakeInfo();
    }

    @Override
    public DataBufferFactory bufferFactory() {
        return delegate.bufferFactory();
    }

    @Override
    public Map<String, Object> getAttributes() {
        return delegate.getAttributes();
    }

    @Override
    public Flux<WebSocketMessage> receive() {
        return delegate.receive();
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public Mono<CloseStatus> closeStatus() {
        return delegate.closeStatus();
    }

    @Override
    public WebSocketMessage textMessage(String payload) {
        return delegate.textMessage(payload);
    }

    @Override
    public WebSocketMessage binaryMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
        return delegate.binaryMessage(payloadFactory);
    }

    @Override
    public WebSocketMessage pingMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
        return delegate.pingMessage(payloadFactory);
    }

    @Override
    public WebSocketMessage pongMessage(Function<DataBufferFactory, DataBuffer> payloadFactory) {
        return delegate.pongMessage(payloadFactory);
    }
}
