package dev.reconnect.ws.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.Limits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.ActiveProfiles;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class StreamHandlerTest {
    @TestConfiguration
    static class FakeLogConfiguration {
        @Bean
        @Primary
        FakeLog fakeLog() {
            return new FakeLog();
        }
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    FakeLog log;

    @Autowired
    dev.reconnect.ws.log.LogFollower follower;

    @BeforeEach
    void logHasThreeMessages() {
        log.available(true);
        while (log.read(0, 1, java.time.Duration.ZERO).head() < 3) {
            log.append("early message");
        }
        await().atMost(TestSocket.patience()).until(() -> follower.head() >= 3);
    }

    @Test
    void helloGetsAWelcomeThenTheBacklogThenTheLiveStreamInOrder() throws Exception {
        try (TestSocket socket = new TestSocket(port)) {
            socket.send(new Frame.Hello(1));
            Frame.Welcome welcome = socket.next(Frame.Welcome.class);
            assertThat(welcome.resumeFrom()).isEqualTo(1);
            assertThat(welcome.instance()).isNotBlank();
            long head = welcome.head();

            for (long seq = 2; seq <= head; seq++) {
                assertThat(socket.next(Frame.Message.class).seq()).isEqualTo(seq);
            }
            log.append("live");
            Frame.Message live = socket.next(Frame.Message.class);
            assertThat(live.seq()).isEqualTo(head + 1);
            assertThat(live.body()).isEqualTo("live");
        }
    }

    @Test
    void serverSendsPingsSoClientsCanTellADeadLinkFromAQuietOne() throws Exception {
        try (TestSocket socket = new TestSocket(port)) {
            socket.send(new Frame.Hello(follower.head()));
            await().atMost(TestSocket.patience()).until(() -> socket.frames.stream().anyMatch(f -> f instanceof Frame.Ping));
        }
    }

    @Test
    void malformedAndUnknownFramesGetAnErrorFrameAndTheSessionStaysOpen() throws Exception {
        try (TestSocket socket = new TestSocket(port)) {
            socket.send("this is not json");
            Frame.Error notJson = socket.next(Frame.Error.class);
            assertThat(notJson.code()).isEqualTo(ErrorCodes.BAD_FRAME);

            socket.send("{\"type\":\"teleport\"}");
            assertThat(socket.next(Frame.Error.class).message()).contains("unknown frame type \"teleport\"");

            socket.send("{\"type\":\"hello\",\"lastSeq\":-5}");
            assertThat(socket.next(Frame.Error.class).message()).contains("must not be negative");

            socket.send("{\"type\":\"hello\",\"lastSeq\":\"three\"}");
            assertThat(socket.next(Frame.Error.class).message()).contains("must be a whole number");

            socket.send(new Frame.Ping(1));
            assertThat(socket.next(Frame.Error.class).code()).isEqualTo(ErrorCodes.UNEXPECTED);

            assertThat(socket.isOpen()).isTrue();
            socket.send(new Frame.Hello(0));
            assertThat(socket.next(Frame.Welcome.class)).isNotNull();
        }
    }

    @Test
    void aResumePointBeyondTheHeadIsClampedWithAnErrorFrameThatSaysSo() throws Exception {
        try (TestSocket socket = new TestSocket(port)) {
            long head = follower.head();
            socket.send(new Frame.Hello(head + 100));
            Frame.Error error = socket.next(Frame.Error.class);
            assertThat(error.message()).contains("beyond the log's head " + head);
            assertThat(socket.next(Frame.Welcome.class).resumeFrom()).isEqualTo(head);
        }
    }

    @Test
    void aFrameOverTheSizeLimitClosesWith1009() throws Exception {
        try (TestSocket socket = new TestSocket(port)) {
            socket.send("{\"type\":\"publish\",\"key\":\"k\",\"body\":\"" + "x".repeat(Limits.MAX_FRAME_BYTES) + "\"}");
            assertThat(socket.closed.get(5, TimeUnit.SECONDS)).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        }
    }

    /** Binary frames are not part of the protocol: a small or a large one ends only its own session, clearly. */
    @Test
    void aBinaryMessageClosesItsSessionWith1003Or1009AndOtherSessionsCarryOn() throws Exception {
        try (TestSocket bystander = new TestSocket(port); TestSocket small = new TestSocket(port);
                TestSocket large = new TestSocket(port)) {
            bystander.send(new Frame.Hello(follower.head()));
            bystander.next(Frame.Welcome.class);

            small.sendBinary(new byte[16]);
            large.sendBinary(new byte[WebSocketConfig.BINARY_MESSAGE_BUFFER_BYTES * 8]);
            assertThat(small.closed.get(5, TimeUnit.SECONDS)).as("a binary message that fits the buffer")
                    .isEqualTo(1003);
            assertThat(large.closed.get(5, TimeUnit.SECONDS)).as("a binary message over the buffer")
                    .isEqualTo(CloseCodes.MESSAGE_TOO_BIG);

            log.append("after the binary messages");
            assertThat(bystander.next(Frame.Message.class).body()).isEqualTo("after the binary messages");
            assertThat(bystander.isOpen()).isTrue();
        }
    }

    @Test
    void aPublishIsAcknowledgedWithItsSeqAndARetryWithTheSameKeyIsNotStoredTwice() throws Exception {
        try (TestSocket socket = new TestSocket(port)) {
            socket.send(new Frame.Hello(follower.head()));
            socket.next(Frame.Welcome.class);
            socket.send(new Frame.Publish("key-1", "hello"));
            Frame ackOrMessage = socket.next();
            long seq = ackOrMessage instanceof Frame.Ack ack ? ack.seq() : ((Frame.Message) ackOrMessage).seq();
            socket.send(new Frame.Publish("key-1", "hello"));
            await().atMost(TestSocket.patience()).until(() -> socket.frames.stream()
                    .anyMatch(f -> f instanceof Frame.Ack a && a.key().equals("key-1") && a.seq() == seq));
            assertThat(log.read(seq, 10, java.time.Duration.ZERO).entries()).isEmpty();
        }
    }

    @Test
    void aPublishWhileTheLogIsUnavailableGetsAClearErrorAndTheSessionStaysOpen() throws Exception {
        try (TestSocket socket = new TestSocket(port)) {
            socket.send(new Frame.Hello(follower.head()));
            socket.next(Frame.Welcome.class);
            log.available(false);
            socket.send(new Frame.Publish("key-down", "lost?"));
            Frame.Error error = socket.next(Frame.Error.class);
            assertThat(error.code()).isEqualTo(ErrorCodes.LOG_UNAVAILABLE);
            assertThat(error.key()).isEqualTo("key-down");
            assertThat(socket.isOpen()).isTrue();
        } finally {
            log.available(true);
        }
    }

    @Test
    void aConnectionThatNeverSaysHelloIsClosedWithHelloTimeout() throws Exception {
        try (TestSocket socket = new TestSocket(port)) {
            assertThat(socket.closed.get(15, TimeUnit.SECONDS)).isEqualTo(CloseCodes.HELLO_TIMEOUT);
        }
    }

    @Test
    void theMainPortServesOnlyTheHealthProbesAndTheManagementPortTheRest() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        assertThat(status(port, "/readyz")).isEqualTo(200);
        assertThat(status(port, "/livez")).isEqualTo(200);
        assertThat(status(port, "/actuator/metrics")).isEqualTo(404);
        assertThat(status(managementPort, "/actuator/health/readiness")).isEqualTo(200);
        assertThat(status(managementPort, "/actuator/metrics/ws.sessions")).isEqualTo(200);
        assertThat(status(managementPort, "/actuator/metrics/ws.send.queued.bytes")).isEqualTo(200);
    }

    private static int status(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
