package dev.reconnect.client.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.ClientContext;
import dev.reconnect.client.ClientProblem;
import dev.reconnect.client.ReceivedMessage;
import dev.reconnect.client.metrics.ClientMetrics;
import dev.reconnect.client.publish.Outbox;
import dev.reconnect.client.stream.SequenceTracker;
import dev.reconnect.client.testing.FakeClock;
import dev.reconnect.client.testing.FakeScheduler;
import dev.reconnect.client.testing.FakeSockets;
import dev.reconnect.client.testing.Harness;
import dev.reconnect.client.testing.RecordingListener;
import dev.reconnect.client.transport.ConnectFailure;
import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.Frame;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** One socket's session on the fake loop, with a recording owner. */
class SessionTest implements Session.Owner {
    private final FakeClock clock = new FakeClock();
    private final FakeScheduler loop = new FakeScheduler(clock);
    private final FakeSockets sockets = new FakeSockets();
    private final SequenceTracker sequence = new SequenceTracker(0);
    private final Outbox outbox = new Outbox(10);
    private final ClientConfig config = ClientConfig.custom().gateway("http://gateway.test:8080")
            .connectTimeout(Duration.ofSeconds(10)).minimumUptime(Duration.ofSeconds(5)).build();
    private final RecordingListener listener = new RecordingListener();
    private final ClientContext ctx = new ClientContext("s", config, loop, clock, Harness.alwaysMax(), sockets,
            sequence, outbox, new ClientMetrics(new SimpleMeterRegistry(), "s", outbox::size), listener);
    private final List<String> owner = new ArrayList<>();

    private Session opened() {
        Session session = new Session(ctx, this);
        loop.execute(session::open);
        return session;
    }

    @Test
    void saysHelloWithThePositionThenIsWelcomedAndStableAfterTheMinimumUptime() {
        sequence.resumeAfter(7);
        Session session = opened();
        FakeSockets.Conn conn = sockets.last().open();
        assertThat(conn.sent(Frame.Hello.class)).extracting(Frame.Hello::lastSeq).containsExactly(7L);

        conn.welcome(9, 10_000).message(8); // heartbeat timeout 30 s: no loss in this test
        assertThat(session.isWelcomed()).isTrue();
        assertThat(owner).containsExactly("welcomed ws-1");
        assertThat(listener.messages).extracting(ReceivedMessage::seq).containsExactly(8L);

        loop.advance(Duration.ofMillis(4_999));
        conn.ping();
        assertThat(owner).containsExactly("welcomed ws-1");
        loop.advance(Duration.ofMillis(1));
        assertThat(owner).containsExactly("welcomed ws-1", "stable");
    }

    @Test
    void whatAnEndedSessionsSocketStillReportsIsDropped() {
        Session session = opened();
        FakeSockets.Conn conn = sockets.last().accept(0);
        session.end();

        conn.message(1).send(new Frame.Gap(2, 3));
        conn.serverClose(CloseCodes.GOING_AWAY, "restarting");
        conn.refuse();
        loop.advance(Duration.ofMinutes(5));

        assertThat(owner).containsExactly("welcomed ws-1");
        assertThat(listener.messages).isEmpty();
        assertThat(listener.problems).isEmpty();
        assertThat(sequence.lastSeq()).isZero();
        assertThat(conn.aborted()).as("end() leaves the socket to the caller").isFalse();
    }

    @Test
    void noWelcomeWithinTheConnectTimeoutIsAFailedUpgrade() {
        opened();
        sockets.last().open();
        loop.advance(Duration.ofSeconds(10));
        assertThat(owner).containsExactly("connectFailed TIMEOUT: no welcome within 10.0 s");
    }

    @Test
    void closesAreToldApartByCodeAndByWhetherTheWelcomeCame() {
        opened();
        sockets.last().serverClose(CloseCodes.INSTANCE_FULL, "");
        opened();
        sockets.last().serverClose(CloseCodes.ABNORMAL, "");
        opened();
        sockets.last().serverClose(CloseCodes.TERMINAL_FIRST, "banned");
        opened();
        FakeSockets.Conn conn = sockets.last().accept(0);
        loop.advance(Duration.ofSeconds(1));
        conn.ping().serverClose(CloseCodes.GOING_AWAY, "restarting");

        assertThat(owner).containsExactly(
                "turnedAway closed by the server: instance full (4002)",
                "connectFailed CLOSED_BEFORE_WELCOME: close 1006 before welcome",
                "closedForGood close 4400 banned",
                "welcomed ws-1",
                "lost close 1001 restarting after PT1S");
    }

    @Test
    void aFailureAfterTheWelcomeIsALossAndOneThatLastedIsStableFirst() {
        opened();
        FakeSockets.Conn conn = sockets.last().accept(0);
        for (int i = 0; i < 6; i++) {
            loop.advance(Duration.ofSeconds(1));
            conn.ping();
        }
        owner.clear();
        conn.refuse();
        assertThat(owner).containsExactly("stable", "lost connection error (1006): connection refused after PT6S");
    }

    @Test
    void silenceForTheHeartbeatTimeoutIsALoss() {
        opened();
        sockets.last().open().welcome(0, 1000); // 3 missed heartbeats: 3 s
        loop.advance(Duration.ofSeconds(3));
        assertThat(listener.problems).extracting(ClientProblem::kind).containsExactly(ClientProblem.Kind.HEARTBEAT_TIMEOUT);
        assertThat(owner).last().isEqualTo("lost heartbeat timeout: nothing from the server for 3.0 s after PT3S");
    }

    @Test
    void aRetryableErrorResendsUnderTheSameKeyAndAnAckCompletes() {
        CompletableFuture<Long> future = new CompletableFuture<>();
        outbox.tryReserve();
        outbox.add("k1", "hello", future);
        opened();
        FakeSockets.Conn conn = sockets.last().accept(0);
        assertThat(conn.sent(Frame.Publish.class)).extracting(Frame.Publish::key).containsExactly("k1");

        conn.send(new Frame.Error(ErrorCodes.LOG_UNAVAILABLE, "down", "k1"));
        loop.advance(PublishReplies.RESEND_INITIAL);
        assertThat(conn.sent(Frame.Publish.class)).extracting(Frame.Publish::key).containsExactly("k1", "k1");
        assertThat(future).isNotDone();

        conn.send(new Frame.Ack("k1", 42));
        assertThat(future).isCompletedWithValue(42L);
        assertThat(outbox.size()).isZero();
    }

    // ---- the owner ----

    @Override
    public void welcomed(Frame.Welcome welcome) {
        owner.add("welcomed " + welcome.instance());
    }

    @Override
    public void stable() {
        owner.add("stable");
    }

    @Override
    public void connectFailed(ConnectFailure failure) {
        owner.add("connectFailed " + failure.kind() + ": " + failure.getMessage());
    }

    @Override
    public void turnedAway(String description) {
        owner.add("turnedAway " + description);
    }

    @Override
    public void lost(String reason, Duration uptime) {
        owner.add("lost " + reason + " after " + uptime);
    }

    @Override
    public void closedForGood(String description) {
        owner.add("closedForGood " + description);
    }
}
