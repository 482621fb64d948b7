package dev.reconnect.gateway.routing;

import dev.reconnect.gateway.registry.RegistryView;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.client.WebSocketClient;
import reactor.core.publisher.Mono;

/**
 * Tells the registry view at once when a backend WebSocket cannot be opened or ends without a close
 * frame (a killed process), or with 1001 (an instance going away). Consul notices such an instance
 * only at its next check; without this, readiness would say "ready" in between and the next upgrade
 * would be sent to the dead instance (a 101 followed at once by close 1002).
 */
class FailureDetectingWebSocketClient implements WebSocketClient {
    private final WebSocketClient delegate;
    private final ObjectProvider<RegistryView> view;

    FailureDetectingWebSocketClient(WebSocketClient delegate, ObjectProvider<RegistryView> view) {
        this.delegate = delegate;
        this.view = view;
    }

    @Override
    public Mono<Void> execute(URI url, WebSocketHandler handler) {
        return execute(url, new HttpHeaders(), handler);
    }

    @Override
    public Mono<Void> execute(URI url, HttpHeaders headers, WebSocketHandler handler) {
        String address = url.getHost() + ":" + url.getPort();
        WebSocketHandler observing = new WebSocketHandler() {
            @Override
            public List<String> getSubProtocols() {
                return handler.getSubProtocols();
            }

            @Override
            public Mono<Void> handle(WebSocketSession session) {
                ClientAwareBackendSession backend = new ClientAwareBackendSession(session);
                backend.closeStatus()
                        .map(Optional::of)
                        .defaultIfEmpty(Optional.empty())
                        .subscribe(status -> {
                            String reason = backendFailure(status, backend.clientSideEnded());
                            if (reason != null) {
                                suspect(address, reason);
                            }
                        });
                return handler.handle(backend);
            }
        };
        return delegate.execute(url, headers, observing)
                .doOnError(error -> suspect(address, "the WebSocket to it could not be opened ("
                        + error.getClass().getSimpleName() + ")"));
    }

    /**
     * Why the backend's end says the instance is gone, or null when it does not. Reactor Netty
     * reports no status at all when the peer's connection ended without a close frame (a killed
     * process), and 1006 when this side aborted the connection (after the client vanished), so only
     * the first counts; 1001 counts unless the gateway passed on the client's own 1001.
     */
    static String backendFailure(Optional<CloseStatus> status, boolean clientSideEnded) {
        if (clientSideEnded) {
            return null;
        }
        if (status.isEmpty()) {
            return "its WebSocket ended without a close frame";
        }
        if (status.get().getCode() == CloseStatus.GOING_AWAY.getCode()) {
            return "it is going away (1001)";
        }
        return null;
    }

    private void suspect(String address, String reason) {
        RegistryView registryView = view.getIfAvailable();
        if (registryView != null) {
            registryView.suspect(address, reason);
        }
    }
}
