package dev.reconnect.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.metrics.MetricNames;
import dev.reconnect.client.testing.FakeReadiness;
import dev.reconnect.client.testing.FakeSockets;
import dev.reconnect.client.testing.Harness;
import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.Frame;
import dev.reconnect.client.policy.BreakerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Connecting, the circuit breaker, minimum uptime, close codes, heartbeats. */
class ConnectPolicyTest {

    @Test
    void aServerThatClosesRightAfterWelcomeDoesNotCauseATightLoop() {
        Harness h = new Harness(c -> c, Harness.alwaysMax()); // delays = ceilings 100, 200, 400, … cap 2 s
        List<Instant> connects = new ArrayList<>();
        h.readiness.respondWith(request -> FakeReadiness.ready(1));
        h.sockets.onConnect(conn -> {
            connects.add(h.clock.instant());
            conn.accept(0);
            conn.serverClose(1001, "restarting");
        });
        h.start();
        h.advance(Duration.ofSeconds(60));

        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < connects.size(); i++) {
            gaps.add(Duration.between(connects.get(i - 1), connects.get(i)).toMillis());
        }
        // The backoff keeps growing although every connection reached OPEN: it is only reset after
        // a connection stayed open for the minimum uptime.
        assertThat(gaps).startsWith(100L, 200L, 400L, 800L, 1600L, 2000L, 2000L);
        assertThat(connects.size()).isLessThanOrEqualTo(35);
        assertThat(h.states).filteredOn(s -> s.to() == ClientState.BACKING_OFF).first()
                .satisfies(s -> assertThat(s.reason()).isEqualTo("close 1001 restarting after only 0 ms open; next try in 100 ms"));
    }

    @Test
    void backoffIsResetOnlyAfterTheMinimumUptime() {
        Harness h = new Harness(c -> c.minimumUptime(Duration.ofSeconds(5)).heartbeatTimeout(Duration.ofMinutes(10)),
                Harness.alwaysMax());
        h.readiness.respondWith(request -> FakeReadiness.ready(1));
        h.sockets.onConnect(conn -> conn.accept(0));
        h.start();
        for (int i = 0; i < 4; i++) { // four short-lived connections: backoff grows
            h.advance(Duration.ofSeconds(1));
            h.sockets.last().ping().serverClose(1002, "");
            assertThat(h.state()).isEqualTo(ClientState.BACKING_OFF);
            h.advance(h.scheduler.nextTimer().orElseThrow());
            assertThat(h.state()).isEqualTo(ClientState.OPEN);
        }
        assertThat(h.states).filteredOn(s -> s.to() == ClientState.BACKING_OFF).last()
                .satisfies(s -> assertThat(s.reason()).endsWith("next try in 800 ms"));

        h.advance(Duration.ofSeconds(5)); // this one lasts: the backoff is reset
        h.sockets.last().serverClose(1002, "");
        assertThat(h.state()).as("straight back to readiness, no backoff").isEqualTo(ClientState.OPEN);
        assertThat(h.stateSequence().subList(h.states.size() - 3, h.states.size()))
                .containsExactly(ClientState.WAITING_FOR_READINESS, ClientState.CONNECTING, ClientState.OPEN);
        h.advance(Duration.ofMillis(10));
        h.sockets.last().serverClose(1002, "");
        assertThat(h.states).filteredOn(s -> s.to() == ClientState.BACKING_OFF).last()
                .satisfies(s -> assertThat(s.reason()).endsWith("next try in 100 ms"));
    }

    @Test
    void circuitBreakerOpensOnFailedUpgradesAndSendsTheClientBackToReadiness() {
        Harness h = new Harness(c -> c.circuitBreaker(3, Duration.ofSeconds(5)));
        List<Instant> connects = new ArrayList<>();
        h.readiness.respondWith(request -> FakeReadiness.ready(7)); // the registry still says ready …
        h.sockets.onConnect(conn -> { // … but the backend is gone: 101, then 1002 at once
            connects.add(h.clock.instant());
            conn.open();
            conn.serverClose(1002, "");
        });
        h.start();
        while (h.sockets.count() < 3) {
            h.advance(h.scheduler.nextTimer().orElseThrow());
        }
        assertThat(h.client.circuitBreakerState()).isEqualTo(BreakerState.OPEN);
        assertThat(h.counter(MetricNames.FAILED_UPGRADES)).isEqualTo(3);
        assertThat(h.counter(MetricNames.CONNECT_FAILURES, "cause", "closed_before_welcome")).isEqualTo(3);
        assertThat(h.problems).filteredOn(p -> p.kind() == ClientProblem.Kind.CONNECT_FAILED).hasSize(3)
                .last().satisfies(p -> assertThat(p.message()).contains("circuit breaker open"));
        assertThat(h.state()).isEqualTo(ClientState.BACKING_OFF);

        // Now the registry notices: not ready. The client waits on readiness, not on the socket.
        h.readiness.respondWith(request -> FakeReadiness.notReady(8));
        int readinessBefore = h.readiness.count();
        h.advance(h.scheduler.nextTimer().orElseThrow());
        assertThat(h.state()).isEqualTo(ClientState.WAITING_FOR_READINESS);
        assertThat(h.readiness.requests().get(readinessBefore).isLongPoll())
                .as("with the breaker open the client long-polls readiness for a change").isTrue();
        h.advance(Duration.ofSeconds(30));
        assertThat(h.sockets.count()).as("no socket while not ready").isEqualTo(3);

        // Ready again: a trial connect (half-open) succeeds and closes the breaker.
        h.readiness.respondWith(request -> FakeReadiness.ready(9));
        h.sockets.onConnect(conn -> conn.accept(0));
        h.advance(Duration.ofSeconds(2)); // the next check is due within the 2 s cap
        assertThat(h.sockets.count()).isEqualTo(4);
        assertThat(h.state()).isEqualTo(ClientState.OPEN);
        assertThat(h.client.circuitBreakerState()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void whileTheBreakerIsOpenReadySaysNothingUntilItsWaitIsOver() {
        Harness h = new Harness(c -> c.circuitBreaker(2, Duration.ofSeconds(5)));
        List<Instant> connects = new ArrayList<>();
        h.readiness.respondWith(request -> FakeReadiness.ready(7)); // ready, and answers long-polls at once
        h.sockets.onConnect(conn -> {
            connects.add(h.clock.instant());
            conn.refuse();
        });
        h.start();
        h.advance(Duration.ofSeconds(20));
        assertThat(connects.size()).isGreaterThanOrEqualTo(3);
        // after the 2nd failure the breaker is open for 5 s: the 3rd attempt waits at least that long
        assertThat(Duration.between(connects.get(1), connects.get(2))).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(h.counter(MetricNames.CONNECT_FAILURES, "cause", "refused")).isEqualTo(connects.size());
    }

    @Test
    void ownCloseEndsInClosedWith1000() {
        Harness h = open(new Harness());
        FakeSockets.Conn conn = h.sockets.last();
        h.client.closeAsync();
        assertThat(h.state()).isEqualTo(ClientState.CLOSED);
        assertThat(conn.closedByClientWith()).isEqualTo(1000);
        assertThat(h.client.terminated()).isCompletedWithValue(ClientState.CLOSED);
        conn.serverClose(1000, ""); // the server's answer to our close changes nothing
        h.advance(Duration.ofMinutes(1));
        assertThat(h.sockets.count()).isEqualTo(1);
        assertThat(h.state()).isEqualTo(ClientState.CLOSED);
    }

    @ParameterizedTest
    @ValueSource(ints = {1008, 4400, 4403, 4499})
    void terminalCloseCodesEndInFailed(int code) {
        Harness h = open(new Harness());
        h.sockets.last().serverClose(code, "go away");
        assertThat(h.state()).isEqualTo(ClientState.FAILED);
        assertThat(h.client.failureReason()).hasValue(
                "server closed the connection with close " + code + " go away: not reconnecting");
        int readiness = h.readiness.count();
        h.advance(Duration.ofMinutes(1));
        assertThat(h.sockets.count()).isEqualTo(1);
        assertThat(h.readiness.count()).isEqualTo(readiness);
    }

    @Test
    void terminalCloseBeforeWelcomeAlsoFails() {
        Harness h = new Harness().start();
        h.readiness.last().answer(FakeReadiness.ready(1));
        h.sockets.last().open().serverClose(4401, "unauthorized");
        assertThat(h.state()).isEqualTo(ClientState.FAILED);
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002, 1006, 1011, 4500})
    void otherCloseCodesFromTheServerReconnect(int code) {
        Harness h = open(new Harness(c -> c.heartbeatTimeout(Duration.ofMinutes(10))));
        h.readiness.respondWith(request -> FakeReadiness.ready(2));
        h.sockets.onConnect(conn -> conn.accept(0));
        h.advance(Duration.ofSeconds(10));
        h.sockets.last().serverClose(code, "bye");
        assertThat(h.state()).isEqualTo(ClientState.OPEN);
        assertThat(h.sockets.count()).isEqualTo(2);
        assertThat(h.reconnects).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo("close " + code + " bye");
            assertThat(r.attempt()).isEqualTo(1);
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {CloseCodes.TOO_SLOW, CloseCodes.HELLO_TIMEOUT, CloseCodes.INSTANCE_FULL, CloseCodes.RESYNC, 4099})
    void aPerSessionCloseIsNeverTerminalItAsksReadinessThenReconnectsAndResumes(int code) {
        Harness h = open(new Harness(c -> c.heartbeatTimeout(Duration.ofMinutes(10))));
        h.sockets.last().message(1).message(2).message(3);
        h.advance(Duration.ofSeconds(10)); // a stable connection: the drop goes straight to readiness
        h.sockets.last().serverClose(code, "");

        assertThat(h.state()).isEqualTo(ClientState.WAITING_FOR_READINESS);
        assertThat(h.sockets.count()).as("readiness first, no socket yet").isEqualTo(1);
        h.readiness.last().answer(FakeReadiness.ready(2));
        h.sockets.last().open();
        assertThat(h.sockets.last().sent(Frame.Hello.class)).containsExactly(new Frame.Hello(3));
        h.sockets.last().welcome(3, 1000);
        assertThat(h.state()).isEqualTo(ClientState.OPEN);
        assertThat(h.client.failureReason()).isEmpty();
        assertThat(h.reconnects).singleElement().satisfies(r ->
                assertThat(r.reason()).startsWith("closed by the server: ").endsWith("(" + code + ")"));
    }

    @Test
    void tooSlowIsAnUnplannedDropToldInWords() {
        Harness h = open(new Harness(c -> c.heartbeatTimeout(Duration.ofMinutes(10)), Harness.alwaysMax()));
        h.advance(Duration.ofSeconds(1)); // not yet stable: the usual backoff applies first
        h.sockets.last().serverClose(CloseCodes.TOO_SLOW, "too slow");

        assertThat(h.states).last().satisfies(s -> {
            assertThat(s.to()).isEqualTo(ClientState.BACKING_OFF);
            assertThat(s.reason()).isEqualTo("closed by the server: too slow (4000) after only 1.0 s open; next try in 100 ms");
        });
        h.advance(Duration.ofMillis(100));
        assertThat(h.state()).as("after the backoff: readiness first").isEqualTo(ClientState.WAITING_FOR_READINESS);
        h.readiness.last().answer(FakeReadiness.ready(2));
        h.sockets.last().accept(0);
        assertThat(h.reconnects).singleElement().satisfies(r ->
                assertThat(r.reason()).isEqualTo("closed by the server: too slow (4000)"));
    }

    @Test
    void aFullInstanceIsRetriedWithTheUsualBackoffWithoutOpeningTheBreaker() {
        Harness h = new Harness(c -> c.circuitBreaker(3, Duration.ofSeconds(5)), Harness.alwaysMax());
        List<Instant> connects = new ArrayList<>();
        h.readiness.respondWith(request -> FakeReadiness.ready(7));
        h.sockets.onConnect(conn -> { // the instance answers the upgrade, then says it is full
            connects.add(h.clock.instant());
            conn.open();
            conn.serverClose(CloseCodes.INSTANCE_FULL, "");
        });
        h.start();
        while (connects.size() < 6) {
            h.advance(h.scheduler.nextTimer().orElseThrow());
        }
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < connects.size(); i++) {
            gaps.add(Duration.between(connects.get(i - 1), connects.get(i)).toMillis());
        }
        assertThat(gaps).containsExactly(100L, 200L, 400L, 800L, 1600L);
        assertThat(h.client.circuitBreakerState()).isEqualTo(BreakerState.CLOSED);
        assertThat(h.counter(MetricNames.FAILED_UPGRADES)).isZero();
        assertThat(h.readiness.count()).as("readiness before every connect").isEqualTo(connects.size());
        assertThat(h.states).filteredOn(s -> s.to() == ClientState.BACKING_OFF).first().satisfies(s ->
                assertThat(s.reason()).startsWith("closed by the server: instance full (4002) before welcome"));

        h.sockets.onConnect(conn -> conn.accept(0)); // room again
        h.advance(h.scheduler.nextTimer().orElseThrow());
        assertThat(h.state()).isEqualTo(ClientState.OPEN);
    }

    @Test
    void theConnectCarriesTheIndexOfTheReadinessAnswerThatAllowedIt() {
        Harness h = new Harness(c -> c.heartbeatTimeout(Duration.ofMinutes(10))).start();
        h.readiness.last().answer(FakeReadiness.notReady(41));
        h.advance(h.scheduler.nextTimer().orElseThrow());
        h.readiness.last().answer(FakeReadiness.ready(42));
        h.sockets.last().accept(0);

        assertThat(h.states).filteredOn(s -> s.to() == ClientState.CONNECTING).singleElement()
                .satisfies(s -> assertThat(s.readinessIndex()).isEqualTo(42));
        assertThat(h.states).filteredOn(s -> s.to() != ClientState.CONNECTING)
                .allSatisfy(s -> assertThat(s.readinessIndex()).isEqualTo(StateChange.NO_READINESS_INDEX));

        h.advance(Duration.ofSeconds(10));
        h.sockets.last().serverClose(1001, "restarting");
        assertThat(h.state()).isEqualTo(ClientState.WAITING_FOR_READINESS);
        h.readiness.last().answer(FakeReadiness.readyWithSpread(57, 500)); // a crowd woken together
        h.advance(Duration.ofMillis(500));
        assertThat(h.states).filteredOn(s -> s.to() == ClientState.CONNECTING).extracting(StateChange::readinessIndex)
                .containsExactly(42L, 57L);
    }

    @Test
    void reconnectEventMeasuresDowntimeAndReadyToOpen() {
        Harness h = open(new Harness(c -> c.heartbeatTimeout(Duration.ofMinutes(10))));
        h.advance(Duration.ofSeconds(10));
        h.sockets.last().serverClose(1001, "restarting");
        h.readiness.last().answer(FakeReadiness.notReady(3, "2"));
        h.advance(Duration.ofSeconds(2));
        h.readiness.last().answer(FakeReadiness.ready(4));
        h.sockets.last().refuse(); // one failed upgrade first
        h.advance(h.scheduler.nextTimer().orElseThrow());
        h.readiness.last().answer(FakeReadiness.ready(4));
        Instant ready = h.clock.instant();
        h.advance(Duration.ofMillis(41));
        h.sockets.last().accept(0);
        ReconnectEvent event = h.reconnects.get(0);
        assertThat(event.attempt()).isEqualTo(2);
        assertThat(event.readyToOpen()).isEqualTo(Duration.ofMillis(41));
        assertThat(event.downtime()).isEqualTo(Duration.between(h.states.stream()
                .filter(s -> s.from() == ClientState.OPEN).findFirst().orElseThrow().at(), h.clock.instant()));
        assertThat(event.reason()).isEqualTo("close 1001 restarting");
        assertThat(ready).isBefore(h.clock.instant());
        assertThat(h.counter(MetricNames.RECONNECTS)).isEqualTo(1);
        assertThat(h.registry.find(MetricNames.DOWNTIME).timer().count()).isEqualTo(1);
    }

    @Test
    void heartbeatSilenceMeansTheLinkIsDead() {
        Harness h = open(new Harness()); // welcome says heartbeat 1000 ms: timeout 3 s
        FakeSockets.Conn conn = h.sockets.last();
        for (int i = 0; i < 10; i++) {
            h.advance(Duration.ofMillis(1000));
            conn.ping();
        }
        assertThat(h.state()).as("pings keep it alive").isEqualTo(ClientState.OPEN);
        h.advance(Duration.ofMillis(2_999));
        assertThat(h.state()).isEqualTo(ClientState.OPEN);
        h.advance(Duration.ofMillis(1));
        assertThat(h.state()).isEqualTo(ClientState.WAITING_FOR_READINESS);
        assertThat(conn.aborted()).isTrue();
        assertThat(h.problems).filteredOn(p -> p.kind() == ClientProblem.Kind.HEARTBEAT_TIMEOUT).hasSize(1);
        assertThat(h.states.get(h.states.size() - 1).reason())
                .isEqualTo("heartbeat timeout: nothing from the server for 3.0 s");
        assertThat(h.counter(MetricNames.HEARTBEAT_TIMEOUTS)).isEqualTo(1);

        h.readiness.last().answer(FakeReadiness.ready(2));
        h.sockets.last().open();
        assertThat(h.sockets.last().sent(Frame.Hello.class)).singleElement().isEqualTo(new Frame.Hello(0));
    }

    @Test
    void configuredHeartbeatTimeoutWins() {
        Harness h = open(new Harness(c -> c.heartbeatTimeout(Duration.ofMillis(1500))));
        h.advance(Duration.ofMillis(1_499));
        assertThat(h.state()).isEqualTo(ClientState.OPEN);
        h.advance(Duration.ofMillis(1));
        assertThat(h.state()).isNotEqualTo(ClientState.OPEN);
    }

    @Test
    void noWelcomeWithinTheConnectTimeoutIsAFailedUpgrade() {
        Harness h = new Harness(c -> c.connectTimeout(Duration.ofSeconds(2))).start();
        h.readiness.last().answer(FakeReadiness.ready(1));
        FakeSockets.Conn conn = h.sockets.last().open();
        h.advance(Duration.ofSeconds(2));
        assertThat(h.state()).isEqualTo(ClientState.BACKING_OFF);
        assertThat(conn.aborted()).isTrue();
        assertThat(h.counter(MetricNames.CONNECT_FAILURES, "cause", "timeout")).isEqualTo(1);
    }

    static Harness open(Harness h) {
        h.start();
        h.readiness.last().answer(FakeReadiness.ready(1));
        h.sockets.last().accept(0);
        assertThat(h.state()).isEqualTo(ClientState.OPEN);
        return h;
    }
}
