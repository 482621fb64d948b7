package dev.reconnect.gateway.routing;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * The gateway's session to a backend, remembering whether the client's side ended first (the
 * gateway then closes the backend side itself, passing on the client's close code, e.g. a browser's
 * 1001 when it leaves the page). Such an end says nothing about the backend's health.
 *
 * <p>Its close status and the end of its messages are held back until the verdict on the backend
 * is in: the gateway closes the client's side from either, and a client that asks for readiness
 * right after its close must already hear that the instance is out.
 */
final class ClientAwareBackendSession implements WebSocketSession {
    private final WebSocketSession delegate;
    private final Mono<Optional<CloseStatus>> status;
    private final Mono<Void> verdict;
    private volatile boolean clientSideEnded;

    /**
     * @param status  the delegate's close status, cached (empty Optional: ended without a close frame)
     * @param verdict completes once the backend's end has been judged, or after a timeout counted
     *                from the moment it is subscribed to
     */
    ClientAwareBackendSession(WebSocketSession delegate, Mono<Optional<CloseStatus>> status, Mono<Void> verdict) {
        this.delegate = delegate;
        this.status = status;
        this.verdict = verdict;
    }

    boolean clientSideEnded() {
        return clientSideEnded;
    }

    @Override
    public Mono<Void> close(CloseStatus status) {
        clientSideEnded = true;
        return delegate.close(status);
    }

    /**
     * {@code messages} are the client's: when they end, the client has gone. When the backend's end
     * cancels them instead, the cancel is passed on only after the verdict, since cancelling the
     * client's messages closes the client's side.
     */
    @Override
    public Mono<Void> send(Publisher<WebSocketMessage> messages) {
        return delegate.send(Flux.from(messages)
                .doOnComplete(() -> clientSideEnded = true)
                .doOnError(error -> clientSideEnded = true)
                .transform(Operators.<WebSocketMessage, WebSocketMessage>lift(
                        (scannable, downstream) -> new CancelAfterVerdict(downstream, verdict))));
    }

    private static final class CancelAfterVerdict implements CoreSubscriber<WebSocketMessage>, Subscription {
        private final CoreSubscriber<? super WebSocketMessage> downstream;
        private final Mono<Void> verdict;
        private volatile Subscription upstream;
        private volatile boolean cancelled;

        CancelAfterVerdict(CoreSubscriber<? super WebSocketMessage> downstream, Mono<Void> verdict) {
            this.downstream = downstream;
            this.verdict = verdict;
        }

        @Override
        public Context currentContext() {
            return downstream.currentContext();
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            upstream = subscription;
            downstream.onSubscribe(this);
        }

        @Override
        public void onNext(WebSocketMessage message) {
            if (cancelled) {
                DataBufferUtils.release(message.getPayload()); // retained for a send that no longer happens
                return;
            }
            downstream.onNext(message);
        }

        @Override
        public void onError(Throwable error) {
            if (!cancelled) {
                downstream.onError(error);
            }
        }

        @Override
        public void onComplete() {
            if (!cancelled) {
                downstream.onComplete();
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            cancelled = true;
            verdict.subscribe(null, error -> upstream.cancel(), () -> upstream.cancel());
        }
    }

    @Override
    public Mono<CloseStatus> closeStatus() {
        // The verdict (bounded by a timeout) is awaited only once the status is in, never from the session's start.
        return status.flatMap(end -> verdict.then(Mono.justOrEmpty(end)));
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

    /**
     * The backend's messages, ending (or failing) only once the verdict is in: the gateway forwards
     * them to the client, and the end of that stream closes the client's side too.
     */
    @Override
    public Flux<WebSocketMessage> receive() {
        return delegate.receive()
                .onErrorResume(error -> verdict.then(Mono.error(error)))
                .concatWith(verdict.then(Mono.empty()));
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
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
