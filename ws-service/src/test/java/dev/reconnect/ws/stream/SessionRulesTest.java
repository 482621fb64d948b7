package dev.reconnect.ws.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.ws.WsProperties;
import dev.reconnect.ws.log.Followers;
import dev.reconnect.ws.log.LogFollower;
import dev.reconnect.ws.log.LogOutcomeUnknownException;
import dev.reconnect.ws.log.LogRejectedException;
import dev.reconnect.ws.log.LogUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

/** The per-session rules, on the handler itself with sessions that need no network. */
class SessionRulesTest {
    private final FakeLog log = new FakeLog();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<RecordingSession> sessions = new ArrayList<>();
    private LogFollower follower;
    private StreamHandler handler;

    private void start(WsProperties properties) {
        follower = new LogFollower(log, properties);
        handler = new StreamHandler(follower, log, properties, registry, "test-instance");
    }

    private WsProperties properties() {
        return WsProperties.defaults().withLogWait(Duration.ofMillis(200));
    }

    @AfterEach
    void stop() {
        if (follower != null) {
            Followers.stop(follower);
        }
        if (handler != null) {
            handler.stopExecutors();
        }
    }

    private RecordingSession connect() {
        RecordingSession session = new RecordingSession();
        sessions.add(session);
        handler.afterConnectionEstablished(session);
        return session;
    }

    /** A session that said hello from {@code resumeFrom} and was welcomed. */
    private RecordingSession welcomed(long resumeFrom) throws InterruptedException {
        RecordingSession session = connect();
        send(session, new Frame.Hello(resumeFrom));
        session.next(Frame.Welcome.class);
        return session;
    }

    private void send(RecordingSession session, Frame frame) {
        handler.handleTextMessage(session, new TextMessage(FrameCodec.encode(frame)));
    }

    private double closedCount(String reason) {
        return registry.counter(StreamMeters.SESSIONS_CLOSED, "reason", reason).count();
    }

    private static int closeCode(RecordingSession session) {
        return session.closed.join().getCode();
    }

    @Test
    void aSessionWithoutAHelloIsClosedWithHelloTimeoutAndOneWithAHelloStaysOpen() throws Exception {
        start(properties().withSessionLimits(Duration.ofMillis(300), 10, 64));
        RecordingSession greeted = welcomed(0);
        RecordingSession silent = connect();

        await().atMost(Duration.ofSeconds(5)).until(silent.closed::isDone);
        assertThat(closeCode(silent)).isEqualTo(CloseCodes.HELLO_TIMEOUT);
        // Its timer was due before the silent one's, so it has run: the greeted session was spared.
        assertThat(greeted.isOpen()).isTrue();
        assertThat(closedCount(StreamMeters.HELLO_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void aHelloWhoseWelcomeWaitsForTheLogIsNotClosedByTheHelloTimeout() throws Exception {
        // A hello timeout the hello thread meets even on a starved machine in a fresh JVM (at 300 ms it lost the
        // race while loading the frame codec's classes), with those classes loaded here first.
        start(properties().withSessionLimits(Duration.ofSeconds(5), 10, 64));
        FrameCodec.decode(FrameCodec.encode(new Frame.Hello(5)));
        Followers.start(follower);
        await().atMost(Duration.ofSeconds(5)).until(() -> follower.head() >= 0);
        CountDownLatch quickReads = log.holdQuickReads();
        RecordingSession greeted = connect();
        // Beyond the follower's head: the welcome waits for api-service to confirm the head.
        Thread hello = new Thread(() -> send(greeted, new Frame.Hello(5)), "hello");
        hello.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> log.quickReadsWaiting() >= 1);
        RecordingSession silent = connect();
        await().atMost(Duration.ofSeconds(15)).until(silent.closed::isDone);
        // The greeted session's timer was due first, so it has run while its welcome was still being worked out.
        assertThat(greeted.isOpen()).as("a session whose hello arrived in time").isTrue();
        quickReads.countDown();
        hello.join(5_000);
        assertThat(greeted.next(Frame.Error.class).message()).contains("beyond the log's head");
        assertThat(greeted.next(Frame.Welcome.class).resumeFrom()).isZero();
        assertThat(greeted.isOpen()).isTrue();
        assertThat(closedCount(StreamMeters.HELLO_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void aSessionBeyondTheCapIsClosedWithInstanceFullAndASessionEndingMakesRoom() throws Exception {
        start(properties().withSessionLimits(Duration.ofSeconds(30), 2, 64));
        RecordingSession first = connect();
        RecordingSession second = connect();
        RecordingSession third = connect();

        await().atMost(Duration.ofSeconds(5)).until(third.closed::isDone);
        assertThat(closeCode(third)).isEqualTo(CloseCodes.INSTANCE_FULL);
        assertThat(third.closed.join().getReason()).contains("full");
        assertThat(first.isOpen()).isTrue();
        assertThat(second.isOpen()).isTrue();
        assertThat(handler.sessionCount()).isEqualTo(2);
        handler.afterConnectionClosed(third, third.closed.join());
        assertThat(handler.sessionCount()).as("a refused session frees nothing it never took").isEqualTo(2);

        first.close(CloseStatus.NORMAL);
        handler.afterConnectionClosed(first, CloseStatus.NORMAL);
        RecordingSession fourth = welcomed(0);
        assertThat(fourth.isOpen()).isTrue();
        assertThat(closedCount(StreamMeters.INSTANCE_FULL)).isEqualTo(1);
    }

    @Test
    void aPublishBeyondTheInFlightLimitGetsBusyWithItsKeyAndTheOthersAreStored() throws Exception {
        start(properties().withSessionLimits(Duration.ofSeconds(30), 10, 2));
        RecordingSession session = connect();
        CountDownLatch gate = log.holdPublishes();
        try {
            send(session, new Frame.Publish("k1", "one"));
            send(session, new Frame.Publish("k2", "two"));
            send(session, new Frame.Publish("k3", "three"));

            Frame.Error busy = session.next(Frame.Error.class);
            assertThat(busy.code()).isEqualTo(ErrorCodes.BUSY);
            assertThat(busy.key()).isEqualTo("k3");
            assertThat(ErrorCodes.isRetryable(busy.code())).isTrue();
        } finally {
            gate.countDown();
        }
        assertThat(session.next(Frame.Ack.class).key()).isEqualTo("k1");
        assertThat(session.next(Frame.Ack.class).key()).isEqualTo("k2");
        assertThat(registry.counter(StreamMeters.PUBLISHES_REJECTED, "code", ErrorCodes.BUSY).count()).isEqualTo(1);

        // The limit counts publishes in flight, not publishes ever sent.
        send(session, new Frame.Publish("k3", "three"));
        assertThat(session.next(Frame.Ack.class).key()).isEqualTo("k3");
    }

    @Test
    void aPublishWithoutAnAnswerIsOutcomeUnknownAndOneThatNeverLeftIsLogUnavailable() throws Exception {
        start(properties());
        RecordingSession session = connect();

        log.failPublishesWith(new LogOutcomeUnknownException("api-service did not answer the publish (test)", null));
        send(session, new Frame.Publish("sent-no-answer", "body"));
        Frame.Error unknown = session.next(Frame.Error.class);
        assertThat(unknown.code()).isEqualTo(ErrorCodes.OUTCOME_UNKNOWN);
        assertThat(unknown.key()).isEqualTo("sent-no-answer");
        assertThat(unknown.message()).isEqualTo("may or may not be stored; send it again with the same key");

        log.failPublishesWith(new LogUnavailableException("api-service cannot be reached (test)", null));
        send(session, new Frame.Publish("never-sent", "body"));
        Frame.Error unavailable = session.next(Frame.Error.class);
        assertThat(unavailable.code()).isEqualTo(ErrorCodes.LOG_UNAVAILABLE);
        assertThat(unavailable.key()).isEqualTo("never-sent");
        assertThat(session.isOpen()).isTrue();
        assertThat(registry.counter(StreamMeters.PUBLISHES_REJECTED, "code", ErrorCodes.OUTCOME_UNKNOWN).count()).isEqualTo(1);
    }

    @Test
    void aPublishTheLogRefusesForGoodIsToldWithTheLogsCodeAndReason() throws Exception {
        start(properties());
        RecordingSession session = connect();

        log.failPublishesWith(new LogRejectedException(ErrorCodes.KEY_CONFLICT, "key k was used for another body"));
        send(session, new Frame.Publish("k", "another body"));

        assertThat(session.next(Frame.Error.class))
                .isEqualTo(new Frame.Error(ErrorCodes.KEY_CONFLICT, "key k was used for another body", "k"));
        assertThat(registry.counter(StreamMeters.PUBLISHES_REJECTED, "code", ErrorCodes.KEY_CONFLICT).count()).isEqualTo(1);
    }

    @Test
    void aStoredMessageTooLargeToSendArrivesAsAOneSeqGapAndTheStreamGoesOn() throws Exception {
        start(properties());
        log.append("before");
        // Stored before the frame limit existed: 11,000 control characters are 66,000 bytes escaped.
        log.append("\u0001".repeat(11_000));
        log.append("after");
        Followers.start(follower);
        await().atMost(Duration.ofSeconds(5)).until(() -> follower.head() == 3);

        List<RecordingSession> two = List.of(connect(), connect());
        for (RecordingSession session : two) {
            send(session, new Frame.Hello(0));
            session.next(Frame.Welcome.class);
            assertThat(session.next(Frame.Message.class).body()).isEqualTo("before");
            assertThat(session.next(Frame.Gap.class)).isEqualTo(new Frame.Gap(2, 2));
            assertThat(session.next(Frame.Message.class).body()).isEqualTo("after");
            assertThat(session.isOpen()).isTrue();
        }
        assertThat(registry.counter(StreamMeters.REPLACED_BY_GAP).count()).isEqualTo(2);
    }

    @Test
    void whenTheLogsHeadGoesBackEverySessionIsClosedWithResyncAndNoStaleBodyIsServed() throws Exception {
        start(properties());
        log.append("old 1");
        log.append("old 2");
        log.append("old 3");
        Followers.start(follower);
        await().atMost(Duration.ofSeconds(5)).until(() -> follower.head() == 3);
        RecordingSession before = welcomed(0);
        for (int seq = 1; seq <= 3; seq++) {
            assertThat(before.next(Frame.Message.class).seq()).isEqualTo(seq);
        }

        log.truncateTo(1);
        await().atMost(Duration.ofSeconds(5)).until(before.closed::isDone);
        assertThat(closeCode(before)).isEqualTo(CloseCodes.RESYNC);
        assertThat(follower.head()).isEqualTo(1);
        assertThat(closedCount(StreamMeters.RESYNC)).isEqualTo(1);
        handler.afterConnectionClosed(before, before.closed.join());

        RecordingSession after = connect();
        send(after, new Frame.Hello(3));
        assertThat(after.next(Frame.Error.class).message()).contains("beyond the log's head 1");
        assertThat(after.next(Frame.Welcome.class).resumeFrom()).isEqualTo(1);
        log.append("new 2");
        Frame.Message message = after.next(Frame.Message.class);
        assertThat(message.seq()).isEqualTo(2);
        assertThat(message.body()).isEqualTo("new 2");

        RecordingSession fromStart = welcomed(0);
        assertThat(fromStart.next(Frame.Message.class).body()).isEqualTo("old 1");
        assertThat(fromStart.next(Frame.Message.class).body()).isEqualTo("new 2");
    }
}
