package dev.reconnect.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.metrics.MetricNames;
import dev.reconnect.client.publish.ClientStoppedException;
import dev.reconnect.client.publish.PublishRejectedException;
import dev.reconnect.client.publish.SendBufferFullException;
import dev.reconnect.client.testing.FakeReadiness;
import dev.reconnect.client.testing.FakeSockets;
import dev.reconnect.client.testing.Harness;
import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.Frame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Resume, duplicates, gaps, malformed frames, and publishing. */
class StreamAndSendTest {

    private static Harness open(Harness h) {
        return ConnectPolicyTest.open(h);
    }

    private static List<Long> seqs(Harness h) {
        return h.messages.stream().map(ReceivedMessage::seq).collect(Collectors.toList());
    }

    @Test
    void aBodyThatEncodesToAnOversizedFrameIsRefusedAtOnceInsteadOfBeingResentForever() {
        Harness h = new Harness().start();
        String controlCharacters = "\u0001".repeat(dev.reconnect.protocol.Limits.MAX_BODY_CHARS);

        assertThat(h.client.send(controlCharacters))
                .failsWithin(Duration.ZERO)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withMessageContaining("over " + dev.reconnect.protocol.Limits.MAX_FRAME_BYTES + " bytes");
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

    @Test
    void anErrorFrameForAKeyFailsThatPublishWithTheServersMessage() {
        Harness h = open(new Harness());
        CompletableFuture<Long> future = h.client.send("x");
        String key = h.sockets.last().sent(Frame.Publish.class).get(0).key();
        h.sockets.last().send(new Frame.Error(ErrorCodes.LOG_UNAVAILABLE, "the message log is unavailable", key));

        assertThat(future).isCompletedExceptionally();
        assertThat(future.handle((v, e) -> e).join())
                .isInstanceOf(PublishRejectedException.class)
                .hasMessageContaining("the message log is unavailable")
                .hasMessageContaining(ErrorCodes.LOG_UNAVAILABLE);
        assertThat(h.state()).isEqualTo(ClientState.OPEN);

        h.sockets.last().send(new Frame.Error(ErrorCodes.UNEXPECTED, "second hello", null));
        assertThat(h.problems).singleElement().satisfies(p -> assertThat(p.kind()).isEqualTo(ClientProblem.Kind.SERVER_ERROR));
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
