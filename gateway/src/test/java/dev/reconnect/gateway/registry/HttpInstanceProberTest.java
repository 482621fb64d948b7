package dev.reconnect.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpInstanceProberTest {
    private final HttpInstanceProber prober = new HttpInstanceProber();

    @Test
    void anInstanceThatAnswersHttpAcceptsAClosedPortDoesNot() throws IOException {
        int closedPort;
        try (ServerSocket listening = new ServerSocket(0)) {
            Thread server = new Thread(() -> answerOnce(listening, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"));
            server.start();
            Instance open = new Instance("x", "127.0.0.1", listening.getLocalPort(), 1);
            assertThat(prober.accepts(open)).as("any HTTP status").succeedsWithin(Duration.ofSeconds(5)).isEqualTo(true);
            closedPort = listening.getLocalPort();
        }
        Instance closed = new Instance("x", "127.0.0.1", closedPort, 1);
        assertThat(prober.accepts(closed)).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(false);
    }

    /** A dying or stopped process: the kernel completes the handshake, nobody answers. */
    @Test
    void aListeningPortThatNeverAnswersDoesNotAccept() throws IOException {
        try (ServerSocket listening = new ServerSocket(0)) {
            Instance silent = new Instance("x", "127.0.0.1", listening.getLocalPort(), 1);
            assertThat(prober.accepts(silent)).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(false);
        }
    }

    @Test
    void aPeerThatHangsUpWithoutAnAnswerDoesNotAccept() throws IOException {
        try (ServerSocket listening = new ServerSocket(0)) {
            Thread server = new Thread(() -> answerOnce(listening, ""));
            server.start();
            Instance hangsUp = new Instance("x", "127.0.0.1", listening.getLocalPort(), 1);
            assertThat(prober.accepts(hangsUp)).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(false);
        }
    }

    private static void answerOnce(ServerSocket listening, String answer) {
        try (Socket socket = listening.accept()) {
            OutputStream out = socket.getOutputStream();
            out.write(answer.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // the test is over
        }
    }
}
