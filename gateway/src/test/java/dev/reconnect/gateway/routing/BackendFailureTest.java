package dev.reconnect.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.socket.CloseStatus;

/** Which ends of a proxied backend WebSocket take the instance out of routing (observed with Reactor Netty). */
class BackendFailureTest {
    @Test
    void aBackendThatVanishedWithoutACloseFrameIsSuspect() {
        assertThat(FailureDetectingWebSocketClient.backendFailure(Optional.empty(), false))
                .contains("without a close frame");
    }

    @Test
    void aBackendGoingAwayIsSuspect() {
        assertThat(FailureDetectingWebSocketClient.backendFailure(Optional.of(CloseStatus.GOING_AWAY), false))
                .contains("1001");
    }

    @Test
    void anEndCausedByTheClientSaysNothingAboutTheBackend() {
        assertThat(FailureDetectingWebSocketClient.backendFailure(Optional.empty(), true)).isNull();
        assertThat(FailureDetectingWebSocketClient.backendFailure(Optional.of(CloseStatus.GOING_AWAY), true)).isNull();
    }

    @Test
    void anAbortByTheGatewayOrAnOrdinaryCloseIsNotSuspect() {
        assertThat(FailureDetectingWebSocketClient.backendFailure(Optional.of(new CloseStatus(1006)), false)).isNull();
        assertThat(FailureDetectingWebSocketClient.backendFailure(Optional.of(CloseStatus.NORMAL), false)).isNull();
        assertThat(FailureDetectingWebSocketClient.backendFailure(Optional.of(CloseStatus.SERVER_ERROR), false)).isNull();
    }
}
