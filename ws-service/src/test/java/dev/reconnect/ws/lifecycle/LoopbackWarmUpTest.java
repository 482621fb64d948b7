package dev.reconnect.ws.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopbackWarmUpTest {
    private final LoopbackWarmUp warmUp = new LoopbackWarmUp();

    @Test
    void noSessionsMeansNoWarmUpAndNoProblem() throws Exception {
        WarmUpResult result = warmUp.run(URI.create("ws://127.0.0.1:1/ws"), 10, 0, 100, Duration.ofSeconds(1))
                .get(5, TimeUnit.SECONDS);

        assertThat(result.complete()).isTrue();
        assertThat(result.requested()).isZero();
    }

    @Test
    void anEndpointThatRefusesGivesAnIncompleteResultNotAFailure() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        WarmUpResult result = warmUp.run(URI.create("ws://127.0.0.1:" + closedPort + "/ws"), 10, 3, 100,
                Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);

        assertThat(result.complete()).isFalse();
        assertThat(result.completed()).isZero();
        assertThat(result.requested()).isEqualTo(3);
        assertThat(result.problem()).isNotBlank();
    }

    @Test
    void anEndpointThatNeverAnswersIsGivenUpAfterTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket accepted = silent.accept()) {
                    accepted.getInputStream().readAllBytes(); // holds the connection, answers nothing
                } catch (Exception e) {
                    // the test closed the socket
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();

            WarmUpResult result = warmUp.run(URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/ws"), 10, 2, 100,
                    Duration.ofMillis(300)).get(10, TimeUnit.SECONDS);

            assertThat(result.complete()).isFalse();
            assertThat(result.problem()).contains("not done within ws.warm-up.timeout");
        }
    }

    @Test
    void onlyThisProcesssOwnTokenMarksAHandshakeAsWarmUp() {
        assertThat(warmUp.isOwnHandshake(null)).isFalse();
        assertThat(warmUp.isOwnHandshake("")).isFalse();
        assertThat(warmUp.isOwnHandshake("true")).isFalse();
        assertThat(new LoopbackWarmUp().isOwnHandshake("x")).isFalse();
    }
}
