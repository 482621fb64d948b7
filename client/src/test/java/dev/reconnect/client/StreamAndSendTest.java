package dev.reconnect.client;

import dev.reconnect.client.session.PublishReplies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reconnect.client.metrics.MetricNames;
import dev.reconnect.client.publish.ClientStoppedException;
import dev.reconnect.client.publish.PublishRejectedException;
import dev.reconnect.client.publish.SendBufferFullException;
import dev.reconnect.client.testing.FakeReadiness;
import dev.reconnect.client.testing.FakeSockets;
import dev.reconnect.client.testing.Harness;
import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.Limits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Resume, duplicates, gaps, malformed frames, and publishing. */
class StreamAndSendTest {

    private static Harness open(Harness h) {
        return ConnectPolicyTest.open(h);
    }

    private static List<Long> seqs(Harness h) {
        return h.messages.stream().map(ReceivedMessage::seq).collect(Collectors.toList());
    }

    /** A publish on the open connection: its future, and the frame it went out as. */
    private record Sent(CompletableFuture<Long> future, Frame.Publish frame) {}

    private static Sent sendOne(Harness h, String body) {
        CompletableFuture<Long> future = h.client.send(body);
        List<Frame.Publish> sent = h.sockets.last().sent(Frame.Publish.class);
        return new Sent(future, sent.get(sent.size() - 1));
    }

    @Test
    void aBodyTheServerWouldRefuseIsRefusedAtOnceWithTheServersMessage() {
        Harness h = new Harness().start();
        // 11,000 control characters are 66,000 bytes once JSON-escaped: over the 65,536-byte frame limit.
        String controlCharacters = "\u0001".repeat(11_000);

        assertThat(h.client.send(controlCharacters))
                .failsWithin(Duration.ZERO)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(IllegalArgumentException.class)
                .withMessageContaining("\"body\" is too large")
                .withMessageContaining("the limit is " + Limits.MAX_FRAME_BYTES + " bytes");
        assertThat(h.client.stats().buffered()).as("nothing held that would be resent forever").isZero();

        // Just under the limit: accepted, held, and sent once connected.
        String large = "a".repeat(Limits.MAX_FRAME_BYTES - 200);
        CompletableFuture<Long> accepted = h.client.send(large);
        assertThat(accepted).isNotDone();
        h.readiness.last().answer(FakeReadiness.ready(1));
        h.sockets.last().accept(0);
        assertThat(h.sockets.last().sent(Frame.Publish.class)).extracting(Frame.Publish::body).containsExactly(large);
    }

    @Test
    void duplicatesAreDroppedAndSkippedSeqsCountedAsLost() {
        Harness h = open(new Harness());
        FakeSockets.Conn conn = h.sockets.last();
        conn.message(1).message(2).message(2).message(3).message(6).message(5);

        assertThat(seqs(h)).containsExactly(1L, 2L, 3L, 6L);
        assertThat(h.client.stats().duplicates()).isEqualTo(2);
        assertThat(h.client.stats().lost()).isEqualTo(2);
        assertThat(h.counter(MetricNames.MESSAGES_DUPLICATE)).isEqualTo(2);
        assertThat(h.counter(MetricNames.MESSAGES_LOST)).isEqualTo(2);
        assertThat(h.problems).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ClientProblem.Kind.LOST);
            assertThat(p.from()).isEqualTo(4);
            assertThat(p.to()).isEqualTo(5);
        });

        conn.send(new Frame.Gap(7, 9)).message(10);
        assertThat(seqs(h)).containsExactly(1L, 2L, 3L, 6L, 10L);
        assertThat(h.client.stats().lost()).isEqualTo(5);
        assertThat(h.problems).hasSize(2).last().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ClientProblem.Kind.GAP);
            assertThat(p.message()).contains("7..9");
        });
        assertThat(h.client.lastSeq()).isEqualTo(10);
    }

    @Test
    void everyReconnectResumesAfterTheLastSeqAndDropsTheReplayedTail() {
        Harness h = open(new Harness());
        h.sockets.last().message(1).message(2).message(3);
        assertThat(h.sockets.last().sent(Frame.Hello.class)).containsExactly(new Frame.Hello(0));

        h.sockets.last().serverClose(1002, "");
        h.advance(h.scheduler.nextTimer().orElseThrow());
        h.readiness.last().answer(FakeReadiness.ready(2));
        FakeSockets.Conn second = h.sockets.last().open();
        assertThat(second.sentFrames()).containsExactly(new Frame.Hello(3));
        second.welcome(5, 1000).message(2).message(3).message(4).message(5);

        assertThat(seqs(h)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(h.client.stats().duplicates()).isEqualTo(2);
        assertThat(h.client.stats().lost()).isZero();
    }

    @Test
    void aServerWhoseLogWentBackwardsIsFollowedFromWhereItResumes() {
        Harness h = open(new Harness());
        h.sockets.last().message(1).message(2).message(3).message(4).message(5);

        h.sockets.last().serverClose(dev.reconnect.protocol.CloseCodes.RESYNC, "the log's head went backwards");
        h.advance(h.scheduler.nextTimer().orElseThrow());
        h.readiness.last().answer(FakeReadiness.ready(2));
        FakeSockets.Conn second = h.sockets.last().open();
        assertThat(second.sentFrames()).containsExactly(new Frame.Hello(5));
        second.welcomeResumingFrom(2, 2).message(3).message(4);

        assertThat(seqs(h)).containsExactly(1L, 2L, 3L, 4L, 5L, 3L, 4L);
        assertThat(h.client.stats().duplicates()).isZero();
        assertThat(h.client.lastSeq()).isEqualTo(4);
        assertThat(h.problems).anySatisfy(p -> {
            assertThat(p.kind()).isEqualTo(ClientProblem.Kind.LOG_REWOUND);
            assertThat(p.from()).isEqualTo(2);
            assertThat(p.to()).isEqualTo(5);
        });
    }

    @Test
    void malformedAndUnknownFramesAreCountedAndIgnored() {
        Harness h = open(new Harness());
        h.sockets.last()
                .raw("not json at all")
                .raw("{\"type\":\"bogus\"}")
                .raw("{\"type\":\"message\",\"seq\":\"one\"}")
                .raw("[]")
                .send(new Frame.Hello(3)) // a client frame coming from the server
                .message(1);

        assertThat(h.state()).isEqualTo(ClientState.OPEN);
        assertThat(seqs(h)).containsExactly(1L);
        assertThat(h.counter(MetricNames.FRAMES_MALFORMED)).isEqualTo(4);
        assertThat(h.counter(MetricNames.FRAMES_UNEXPECTED)).isEqualTo(1);
        assertThat(h.problems).extracting(ClientProblem::kind).containsExactly(
                ClientProblem.Kind.MALFORMED_FRAME, ClientProblem.Kind.MALFORMED_FRAME,
                ClientProblem.Kind.MALFORMED_FRAME, ClientProblem.Kind.MALFORMED_FRAME,
                ClientProblem.Kind.UNEXPECTED_FRAME);
        assertThat(h.problems.get(1).message()).contains("unknown frame type \"bogus\"");
    }

    @Test
    void unackedPublishesAreResentUnderTheSameKeyAfterAReconnect() {
        Harness h = open(new Harness());
        FakeSockets.Conn first = h.sockets.last();
        CompletableFuture<Long> a = h.client.send("a");
        CompletableFuture<Long> b = h.client.send("b");
        List<Frame.Publish> sentFirst = first.sent(Frame.Publish.class);
        assertThat(sentFirst).extracting(Frame.Publish::body).containsExactly("a", "b");
        assertThat(sentFirst.get(0).key()).isNotEqualTo(sentFirst.get(1).key());
        first.send(new Frame.Ack(sentFirst.get(0).key(), 5));
        assertThat(a).isCompletedWithValue(5L);

        first.serverClose(1006, ""); // b was sent, never acked
        CompletableFuture<Long> c = h.client.send("c"); // while disconnected: buffered
        assertThat(h.client.stats().buffered()).isEqualTo(2);
        h.advance(h.scheduler.nextTimer().orElseThrow());
        h.readiness.last().answer(FakeReadiness.ready(2));
        FakeSockets.Conn second = h.sockets.last().open();
        assertThat(second.sentFrames()).as("nothing but hello before the welcome").containsExactly(new Frame.Hello(0));
        second.welcome(5, 1000);

        List<Frame> frames = second.sentFrames();
        assertThat(frames).hasSize(3);
        Frame.Publish resentB = (Frame.Publish) frames.get(1);
        Frame.Publish sentC = (Frame.Publish) frames.get(2);
        assertThat(resentB).isEqualTo(sentFirst.get(1)); // same key, same body: idempotent
        assertThat(sentC.body()).isEqualTo("c");
        second.send(new Frame.Ack(resentB.key(), 6)).send(new Frame.Ack(sentC.key(), 7));
        assertThat(b).isCompletedWithValue(6L);
        assertThat(c).isCompletedWithValue(7L);
        assertThat(h.client.stats().buffered()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {ErrorCodes.KEY_CONFLICT, ErrorCodes.BAD_VALUE})
    void aNonRetryableErrorForAKeyFailsThatPublishWithTheServersMessageAndItIsNotResent(String code) {
        Harness h = open(new Harness());
        Sent x = sendOne(h, "x");
        h.sockets.last().send(new Frame.Error(code, "the server says no", x.frame().key()));

        assertThat(x.future()).isCompletedExceptionally();
        assertThat(x.future().handle((v, e) -> e).join())
                .isInstanceOf(PublishRejectedException.class)
                .hasMessageContaining("the server says no")
                .hasMessageContaining(code);
        assertThat(h.state()).isEqualTo(ClientState.OPEN);
        assertThat(h.client.stats().buffered()).isZero();
        assertThat(h.counter(MetricNames.SEND_RESULTS, "outcome", "rejected")).isEqualTo(1);

        keepAlive(h, Duration.ofMinutes(1));
        assertThat(h.sockets.last().sent(Frame.Publish.class)).as("not resent").hasSize(1);

        h.sockets.last().send(new Frame.Error(ErrorCodes.UNEXPECTED, "second hello", null));
        assertThat(h.problems).singleElement().satisfies(p -> assertThat(p.kind()).isEqualTo(ClientProblem.Kind.SERVER_ERROR));
    }

    @Test
    void outcomeUnknownThenAckCompletesOnceWithTheSeqAndTheSameKeyBothTimes() {
        Harness h = open(new Harness());
        FakeSockets.Conn conn = h.sockets.last();
        Sent x = sendOne(h, "x");
        Frame.Publish first = x.frame();
        conn.send(new Frame.Error(ErrorCodes.OUTCOME_UNKNOWN, "no answer from the log", first.key()));

        assertThat(x.future()).as("may or may not be stored: not failed").isNotDone();
        assertThat(h.client.stats().buffered()).isEqualTo(1);
        assertThat(h.problems).singleElement().satisfies(p -> assertThat(p.message())
                .contains("not stored yet (outcome_unknown: no answer from the log)"));

        conn.ping();
        h.advance(h.scheduler.nextTimer().orElseThrow());
        assertThat(conn.sent(Frame.Publish.class)).containsExactly(first, first);

        conn.send(new Frame.Ack(first.key(), 7));
        assertThat(x.future()).isCompletedWithValue(7L);
        conn.send(new Frame.Ack(first.key(), 7)); // e.g. both attempts answered: changes nothing
        assertThat(h.client.stats().buffered()).isZero();
        assertThat(h.counter(MetricNames.SEND_RESULTS, "outcome", "acked")).isEqualTo(1);
        assertThat(h.counter(MetricNames.SEND_RESULTS, "outcome", "retried")).isEqualTo(1);
        keepAlive(h, Duration.ofMinutes(1));
        assertThat(conn.sent(Frame.Publish.class)).as("nothing more once acked").hasSize(2);
    }

    @Test
    void busyPublishesAreSentAgainUnderTheirKeysInTheirOrder() {
        Harness h = open(new Harness());
        FakeSockets.Conn conn = h.sockets.last();
        Sent a = sendOne(h, "a");
        Sent b = sendOne(h, "b");
        Sent c = sendOne(h, "c");
        conn.send(new Frame.Ack(a.frame().key(), 1))
                .send(new Frame.Error(ErrorCodes.BUSY, "too many publishes in flight", c.frame().key()))
                .send(new Frame.Error(ErrorCodes.BUSY, "too many publishes in flight", b.frame().key()));

        h.advance(h.scheduler.nextTimer().orElseThrow());
        List<Frame.Publish> all = conn.sent(Frame.Publish.class);
        assertThat(all.subList(3, all.size())).containsExactly(b.frame(), c.frame());
        conn.send(new Frame.Ack(b.frame().key(), 2)).send(new Frame.Ack(c.frame().key(), 3));
        assertThat(a.future()).isCompletedWithValue(1L);
        assertThat(b.future()).isCompletedWithValue(2L);
        assertThat(c.future()).isCompletedWithValue(3L);
    }

    @Test
    void aPublishHeldForResendGoesOutOnceAfterAReconnectNotTwice() {
        Harness h = open(new Harness(c -> c.heartbeatTimeout(Duration.ofMinutes(10))));
        FakeSockets.Conn first = h.sockets.last();
        Sent x = sendOne(h, "x");
        Frame.Publish publish = x.frame();
        first.send(new Frame.Error(ErrorCodes.LOG_UNAVAILABLE, "the message log is unavailable", publish.key()));
        first.serverClose(1001, "restarting");

        h.readiness.respondWith(request -> FakeReadiness.ready(2));
        h.sockets.onConnect(conn -> conn.accept(0));
        h.advance(Duration.ofSeconds(30));
        FakeSockets.Conn second = h.sockets.last();
        assertThat(second).isNotSameAs(first);
        assertThat(second.sent(Frame.Publish.class)).containsExactly(publish);
        assertThat(first.sent(Frame.Publish.class)).hasSize(1);
        second.send(new Frame.Ack(publish.key(), 4));
        assertThat(x.future()).isCompletedWithValue(4L);
    }

    @Test
    void aLogThatKeepsFailingIsAskedAgainAtAGrowingIntervalNotInALoop() {
        Harness h = open(new Harness(c -> c.heartbeatTimeout(Duration.ofMinutes(10))));
        FakeSockets.Conn conn = h.sockets.last();
        CompletableFuture<Long> future = h.client.send("x");
        List<Duration> intervals = new java.util.ArrayList<>();
        java.time.Instant last = h.clock.instant();
        for (int i = 0; i < 12; i++) {
            List<Frame.Publish> sent = conn.sent(Frame.Publish.class);
            conn.send(new Frame.Error(ErrorCodes.LOG_UNAVAILABLE, "down", sent.get(sent.size() - 1).key()));
            while (conn.sent(Frame.Publish.class).size() == sent.size()) {
                h.advance(h.scheduler.nextTimer().orElseThrow());
            }
            intervals.add(Duration.between(last, h.clock.instant()));
            last = h.clock.instant();
        }
        assertThat(conn.sent(Frame.Publish.class)).hasSize(13).extracting(Frame.Publish::key).containsOnly(
                conn.sent(Frame.Publish.class).get(0).key());
        assertThat(future).isNotDone();
        assertThat(intervals.get(0)).isGreaterThanOrEqualTo(PublishReplies.RESEND_INITIAL.dividedBy(2));
        assertThat(intervals.subList(6, 12)).allSatisfy(d -> assertThat(d)
                .isBetween(PublishReplies.RESEND_MAX.dividedBy(2), PublishReplies.RESEND_MAX));
    }

    /** Moves time on while the server keeps pinging, so that the connection stays up. */
    private static void keepAlive(Harness h, Duration total) {
        for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plusSeconds(1)) {
            h.sockets.last().ping();
            h.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void theResumePositionGivenToStartIsWhereTheFirstHelloResumes() {
        Harness h = new Harness().start(41);
        assertThat(h.client.lastSeq()).isEqualTo(41);
        h.readiness.last().answer(FakeReadiness.ready(1));
        h.sockets.last().open();
        assertThat(h.sockets.last().sent(Frame.Hello.class)).containsExactly(new Frame.Hello(41));
        h.sockets.last().welcome(43, 1000).message(42);
        assertThat(seqs(h)).containsExactly(42L);
    }

    @Test
    void aNegativeResumePositionIsRefusedAtOnce() {
        Harness h = new Harness();
        assertThatThrownBy(() -> h.client.start(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the resume position must not be negative, was -1");
        assertThat(h.state()).isEqualTo(ClientState.NEW);
    }

    @Test
    void aFullSendBufferFailsTheFutureAtOnce() {
        Harness h = new Harness(c -> c.sendBufferSize(2)).start(); // not connected yet
        CompletableFuture<Long> one = h.client.send("1");
        CompletableFuture<Long> two = h.client.send("2");
        CompletableFuture<Long> three = h.client.send("3");

        assertThat(one).isNotDone();
        assertThat(two).isNotDone();
        assertThat(three).isCompletedExceptionally();
        assertThat(three.handle((v, e) -> e).join()).isInstanceOf(SendBufferFullException.class)
                .hasMessageContaining("send buffer full");
        assertThat(h.counter(MetricNames.SEND_RESULTS, "outcome", "overflow")).isEqualTo(1);
        assertThat(h.registry.find(MetricNames.SEND_BUFFERED).gauge().value()).isEqualTo(2);

        h.readiness.last().answer(FakeReadiness.ready(1));
        h.sockets.last().accept(0);
        List<Frame.Publish> sent = h.sockets.last().sent(Frame.Publish.class);
        assertThat(sent).extracting(Frame.Publish::body).containsExactly("1", "2");
        h.sockets.last().send(new Frame.Ack(sent.get(0).key(), 1));
        assertThat(h.client.send("4")).isNotDone(); // room again
    }

    @Test
    void closingFailsWhatIsStillUnacked() {
        Harness h = open(new Harness());
        CompletableFuture<Long> pending = h.client.send("x");
        h.client.closeAsync();
        assertThat(pending.handle((v, e) -> e).join()).isInstanceOf(ClientStoppedException.class);
        assertThat(h.client.send("y").handle((v, e) -> e).join()).isInstanceOf(ClientStoppedException.class);
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheClient() {
        Harness h = new Harness();
        ReconnectingClient noisy = ReconnectingClient.builder("noisy", h.client.config())
                .clock(h.clock).scheduler(h.scheduler).readinessTransport(h.readiness).webSocketTransport(h.sockets)
                .onStateChange(change -> {
                    throw new IllegalStateException("listener bug");
                })
                .onMessage(message -> {
                    throw new IllegalStateException("listener bug");
                })
                .build().start();
        h.readiness.last().answer(FakeReadiness.ready(1));
        h.sockets.last().accept(0).message(1).message(2);
        assertThat(noisy.state()).isEqualTo(ClientState.OPEN);
        assertThat(noisy.lastSeq()).isEqualTo(2);
        assertThat(noisy.stats().received()).isEqualTo(2);
    }
}
