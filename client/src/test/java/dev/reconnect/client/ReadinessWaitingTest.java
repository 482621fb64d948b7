package dev.reconnect.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.metrics.MetricNames;
import dev.reconnect.client.readiness.HttpAnswer;
import dev.reconnect.client.readiness.ReadinessOutcome;
import dev.reconnect.client.testing.FakeReadiness;
import dev.reconnect.client.testing.Harness;
import dev.reconnect.protocol.Paths;
import dev.reconnect.client.policy.BreakerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Waiting on the gateway's readiness API: backoff, Retry-After, long-poll, garbage. */
class ReadinessWaitingTest {

    @Test
    void startsByAskingReadinessAndConnectsOnlyWhenReady() {
        Harness h = new Harness().start();

        assertThat(h.state()).isEqualTo(ClientState.WAITING_FOR_READINESS);
        assertThat(h.readiness.count()).isEqualTo(1);
        assertThat(h.readiness.last().uri.toString()).isEqualTo("http://gateway.test:8080" + Paths.READINESS);
        assertThat(h.sockets.count()).isZero();

        h.readiness.last().answer(FakeReadiness.notReady(1));
        h.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            h.readiness.last().answer(FakeReadiness.notReady(1));
            h.advance(Duration.ofSeconds(30));
        }
        assertThat(h.sockets.count()).as("no socket while readiness says not ready").isZero();
        assertThat(h.state()).isEqualTo(ClientState.WAITING_FOR_READINESS);

        h.readiness.last().answer(FakeReadiness.ready(2));
        assertThat(h.sockets.count()).isEqualTo(1);
        assertThat(h.sockets.last().uri.toString()).isEqualTo("ws://gateway.test:8080" + Paths.WEBSOCKET);
        assertThat(h.state()).isEqualTo(ClientState.CONNECTING);
        assertThat(h.states.get(h.states.size() - 1).reason())
                .isEqualTo("readiness: ws-service passing=1, api-service passing=1");
    }

    @Test
    void aCrowdWokenTogetherSpreadsItsConnectsOverTheWindowTheGatewayAsksFor() {
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Harness h = new Harness(c -> c, null).start();
            h.readiness.last().answer(FakeReadiness.readyWithSpread(2, 1000));
            assertThat(h.sockets.count()).as("not at once").isZero();
            assertThat(h.state()).isEqualTo(ClientState.WAITING_FOR_READINESS);
            Duration wait = h.checks.get(h.checks.size() - 1).nextTry().orElseThrow();
            waits.add(wait);
            assertThat(wait).isBetween(Duration.ZERO, Duration.ofMillis(999));

            h.advance(wait);
            assertThat(h.sockets.count()).as("connects when its turn comes").isEqualTo(1);
            assertThat(h.state()).isEqualTo(ClientState.CONNECTING);
        }
        Duration min = waits.stream().min(Duration::compareTo).orElseThrow();
        Duration max = waits.stream().max(Duration::compareTo).orElseThrow();
        assertThat(max.minus(min)).as("spread over the window").isGreaterThan(Duration.ofMillis(500));
    }

    @Test
    void closingWhileWaitingForItsTurnOpensNoSocket() {
        Harness h = new Harness(c -> c, Harness.alwaysMax()).start();
        h.readiness.last().answer(FakeReadiness.readyWithSpread(2, 1000));
        h.client.close();
        h.advance(Duration.ofSeconds(2));
        assertThat(h.sockets.count()).isZero();
    }

    @Test
    void jitterSpreadsTheFirstRetriesOfManyClients() {
        List<Duration> firstDelays = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            // default randomness, as in production: every client seeds its own generator
            Harness h = new Harness(c -> c.backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30)), null);
            h.readiness.respondWith(request -> null); // gateway down: connection refused
            h.start();
            ReadinessCheck first = h.checks.get(0);
            assertThat(first.outcome()).isEqualTo(ReadinessOutcome.UNREACHABLE);
            firstDelays.add(first.nextTry().orElseThrow());
        }
        Set<Duration> distinct = new HashSet<>(firstDelays);
        assertThat(distinct).as("first delays of 50 clients").hasSizeGreaterThan(40);
        assertThat(firstDelays).allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(1)));
        Duration min = firstDelays.stream().min(Duration::compareTo).orElseThrow();
        Duration max = firstDelays.stream().max(Duration::compareTo).orElseThrow();
        assertThat(max.minus(min)).isGreaterThan(Duration.ofMillis(500));
    }

    @Test
    void backoffBetweenFailedChecksGrowsUpToTheCap() {
        Harness h = new Harness(c -> c, Harness.alwaysMax()); // delays = ceilings: 100, 200, 400, …, cap 2 s
        h.readiness.respondWith(request -> null);
        h.start();
        for (int i = 0; i < 12; i++) {
            h.advance(h.scheduler.nextTimer().orElseThrow());
        }
        List<Long> delays = h.checks.stream().map(c -> c.nextTry().orElseThrow().toMillis()).collect(Collectors.toList());
        assertThat(delays).startsWith(100L, 200L, 400L, 800L, 1600L, 2000L, 2000L);
        assertThat(delays).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(2000L));
        assertThat(h.readiness.count()).isEqualTo(13);
        assertThat(h.checks.get(0).detail()).isEqualTo("gateway unreachable (connection refused)");
    }

    @Test
    void retryAfterIsHonouredAsAMinimum() {
        Harness h = new Harness().start(); // backoff ceiling 100 ms at first
        h.readiness.last().answer(FakeReadiness.notReady(5, "7"));

        assertThat(h.checks.get(0).nextTry()).hasValueSatisfying(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(7)));
        h.advance(Duration.ofMillis(6_999));
        assertThat(h.readiness.count()).as("not before Retry-After").isEqualTo(1);
        h.advance(Duration.ofMillis(1));
        assertThat(h.readiness.count()).isEqualTo(2);
    }

    @Test
    void longPollIsUsedOnceAnIndexIsKnown() {
        Harness h = new Harness().start();
        assertThat(h.readiness.last().isLongPoll()).as("first check is a plain GET").isFalse();
        assertThat(h.readiness.last().uri.getQuery()).isNull();

        h.readiness.last().answer(FakeReadiness.notReady(42));
        h.advance(h.scheduler.nextTimer().orElseThrow());
        assertThat(h.readiness.last().uri.getQuery()).isEqualTo("index=42&wait=30000ms");
        assertThat(h.readiness.last().timeout).isGreaterThan(Duration.ofSeconds(30));

        h.readiness.last().answer(FakeReadiness.notReady(43));
        h.advance(h.scheduler.nextTimer().orElseThrow());
        assertThat(h.readiness.last().uri.getQuery()).isEqualTo("index=43&wait=30000ms");

        h.readiness.last().answer(HttpAnswer.of(502, "<html>bad gateway</html>"));
        h.advance(h.scheduler.nextTimer().orElseThrow());
        assertThat(h.readiness.last().isLongPoll()).as("the previous answer had no index").isFalse();

        h.readiness.last().answer(FakeReadiness.ready(44));
        h.sockets.last().accept(0);
        assertThat(h.state()).isEqualTo(ClientState.OPEN);

        h.advance(Duration.ofSeconds(10));
        h.sockets.last().serverClose(1001, "restarting");
        assertThat(h.readiness.last().isLongPoll()).as("first check after a loss is a plain GET").isFalse();
    }

    @Test
    void aLongPollTheServerHeldNeedsNoFurtherBackoff() {
        Harness h = new Harness(c -> c, Harness.alwaysMax()).start();
        h.readiness.last().answer(FakeReadiness.notReady(1, null));
        for (int i = 0; i < 6; i++) { // grow the backoff towards its 2 s cap
            h.advance(h.scheduler.nextTimer().orElseThrow());
            h.readiness.last().answer(FakeReadiness.notReady(1, null));
        }
        h.advance(h.scheduler.nextTimer().orElseThrow());
        int before = h.readiness.count();
        assertThat(h.readiness.last().isLongPoll()).isTrue();
        h.advance(Duration.ofSeconds(30)); // the gateway holds the long-poll for its whole wait
        h.readiness.last().answer(FakeReadiness.notReady(1, null));
        assertThat(h.checks.get(h.checks.size() - 1).nextTry()).hasValue(Duration.ZERO);
        h.advance(Duration.ZERO);
        assertThat(h.readiness.count()).isEqualTo(before + 1);
    }

    @Test
    void aRequestThatTimedOutIsNotCreditedAgainstTheBackoff() {
        Harness h = new Harness(c -> c, Harness.alwaysMax()).start();
        for (int i = 0; i < 3; i++) { // ceilings 100, 200, 400 ms
            h.advance(Duration.ofSeconds(5)); // a hung gateway: the request times out after 5 s
            h.readiness.last().future.completeExceptionally(new java.net.http.HttpTimeoutException("request timed out"));
            h.advance(h.scheduler.nextTimer().orElseThrow());
        }
        assertThat(h.checks).extracting(c -> c.nextTry().orElseThrow().toMillis()).containsExactly(100L, 200L, 400L);
        assertThat(h.checks.get(0).detail()).isEqualTo("gateway unreachable (timed out)");
    }

    @Test
    void garbageAnswersAreCountedAndRetriedNeverACrash() {
        Harness h = new Harness().start();
        List<HttpAnswer> answers = List.of(
                HttpAnswer.of(200, "<!DOCTYPE html><html><body>Welcome to nginx</body></html>"),
                HttpAnswer.of(200, "{\"ready\": tru"),
                HttpAnswer.of(500, "{\"error\":\"boom\"}"),
                HttpAnswer.of(503, "<html>Service Unavailable</html>", "2"),
                HttpAnswer.of(404, ""),
                HttpAnswer.of(200, "[1,2,3]"),
                HttpAnswer.of(200, "{\"ready\":\"yes\"}"),
                HttpAnswer.of(200, "{\"ready\":true,\"services\":[\"x\"]}"));
        for (HttpAnswer answer : answers) {
            h.readiness.last().answer(answer);
            assertThat(h.state()).isEqualTo(ClientState.WAITING_FOR_READINESS);
            h.advance(h.scheduler.nextTimer().orElseThrow());
        }
        assertThat(h.readiness.count()).as("kept asking after every bad answer").isEqualTo(answers.size() + 1);
        assertThat(h.sockets.count()).isZero();
        assertThat(h.counter(MetricNames.READINESS_REQUESTS, "outcome", "garbage")).isEqualTo(6);
        assertThat(h.counter(MetricNames.READINESS_REQUESTS, "outcome", "http_error")).isEqualTo(2);
        assertThat(h.checks).allSatisfy(c -> assertThat(c.nextTry()).isPresent());
        assertThat(h.checks.get(0).detail()).startsWith("not a readiness answer (HTTP 200: \"<!DOCTYPE html>");

        h.readiness.last().answer(FakeReadiness.ready(3));
        assertThat(h.state()).isEqualTo(ClientState.CONNECTING);
        assertThat(h.counter(MetricNames.READINESS_REQUESTS, "outcome", "ready")).isEqualTo(1);
    }

    @Test
    void aReadyBodyWithA503IsNotReady() {
        Harness h = new Harness().start();
        h.readiness.last().answer(HttpAnswer.of(503, FakeReadiness.body(true, 9, 1), "1"));
        assertThat(h.sockets.count()).isZero();
        assertThat(h.checks.get(0).outcome()).isEqualTo(ReadinessOutcome.NOT_READY);
    }

    @Test
    void a429MeansAskAgainAfterRetryAfterNotAFailureAndNotNotReady() {
        Harness h = new Harness(c -> c.giveUpAfterAttempts(3).circuitBreaker(2, Duration.ofSeconds(5))).start();
        h.readiness.last().answer(FakeReadiness.notReady(9));
        h.advance(h.scheduler.nextTimer().orElseThrow());
        assertThat(h.readiness.last().uri.getQuery()).isEqualTo("index=9&wait=30000ms");
        HttpAnswer busy = HttpAnswer.of(429, "{\"error\":\"too many readiness long-polls\"}", "2");
        for (int i = 0; i < 10; i++) { // far more than the 3 attempts after which the client gives up
            int before = h.readiness.count();
            h.readiness.last().answer(busy);
            assertThat(h.state()).isEqualTo(ClientState.WAITING_FOR_READINESS);
            h.advance(Duration.ofMillis(1_999));
            assertThat(h.readiness.count()).as("not before Retry-After").isEqualTo(before);
            h.advance(h.scheduler.nextTimer().orElseThrow());
            assertThat(h.readiness.count()).isEqualTo(before + 1);
            assertThat(h.readiness.last().uri.getQuery()).as("the same long-poll again").isEqualTo("index=9&wait=30000ms");
        }
        assertThat(h.checks).filteredOn(c -> c.outcome() == ReadinessOutcome.THROTTLED).hasSize(10)
                .allSatisfy(c -> {
                    assertThat(c.nextTry()).hasValueSatisfying(d -> assertThat(d).isBetween(
                            Duration.ofSeconds(2), Duration.ofMillis(2_400)));
                    assertThat(c.detail()).isEqualTo("gateway busy, asked to wait 2000 ms (HTTP 429: too many readiness long-polls)");
                });
        assertThat(h.counter(MetricNames.READINESS_REQUESTS, "outcome", "throttled")).isEqualTo(10);
        assertThat(h.client.circuitBreakerState()).isEqualTo(BreakerState.CLOSED);

        h.readiness.last().answer(FakeReadiness.ready(10));
        assertThat(h.state()).isEqualTo(ClientState.CONNECTING);
    }

    @Test
    void a429WithoutRetryAfterStillWaitsASecond() {
        Harness h = new Harness().start();
        h.readiness.last().answer(HttpAnswer.of(429, ""));
        h.advance(Duration.ofMillis(999));
        assertThat(h.readiness.count()).isEqualTo(1);
        h.advance(h.scheduler.nextTimer().orElseThrow());
        assertThat(h.readiness.count()).isEqualTo(2);
        assertThat(h.readiness.last().isLongPoll()).isFalse();
    }

    @Test
    void aHugeRetryAfterOn429IsCappedAtTheBackoffMaximum() {
        Harness h = new Harness().start();
        Duration cap = h.client.config().backoff().max();
        h.readiness.last().answer(HttpAnswer.of(429, "{\"error\":\"busy\"}", "3600"));
        assertThat(h.checks).last().satisfies(c -> assertThat(c.nextTry()).hasValueSatisfying(
                d -> assertThat(d).isBetween(cap, cap.plus(cap.dividedBy(5)))));
        h.advance(cap.plus(cap.dividedBy(5)));
        assertThat(h.readiness.count()).as("asked again within the cap, not after an hour").isEqualTo(2);
    }

    @Test
    void giveUpAfterNAttempts() {
        Harness h = new Harness(c -> c.giveUpAfterAttempts(3));
        h.readiness.respondWith(request -> null);
        h.start();
        h.advance(Duration.ofMinutes(1));
        assertThat(h.state()).isEqualTo(ClientState.FAILED);
        assertThat(h.readiness.count()).isEqualTo(3);
        assertThat(h.client.failureReason()).hasValueSatisfying(r -> assertThat(r)
                .isEqualTo("gave up after 3 failed attempts (last: gateway unreachable (connection refused))"));
        assertThat(h.client.terminated()).isCompletedWithValue(ClientState.FAILED);
    }

    @Test
    void giveUpAfterADeadline() {
        Harness h = new Harness(c -> c.giveUpAfter(Duration.ofSeconds(10)));
        h.readiness.respondWith(request -> FakeReadiness.notReady(1));
        h.start();
        h.advance(Duration.ofMillis(9_999));
        assertThat(h.state()).isEqualTo(ClientState.WAITING_FOR_READINESS);
        h.advance(Duration.ofMillis(1));
        assertThat(h.state()).isEqualTo(ClientState.FAILED);
        assertThat(h.client.failureReason().orElseThrow()).startsWith("gave up: not connected within 10.0 s");
        int requests = h.readiness.count();
        h.advance(Duration.ofMinutes(5));
        assertThat(h.readiness.count()).as("nothing after FAILED").isEqualTo(requests);
    }
}
