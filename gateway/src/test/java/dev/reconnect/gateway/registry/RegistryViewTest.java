package dev.reconnect.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.protocol.readiness.Readiness;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RegistryViewTest {
    private final MutableClock clock = new MutableClock();
    /** Probes complete when a test says so; by default at once, "accepts". */
    private final Map<String, CompletableFuture<Boolean>> probes = new HashMap<>();
    private boolean probesAnswerAtOnce = true;
    private final RegistryView view = new RegistryView(
            RegistryProperties.defaults(List.of("ws-service", "api-service")), clock,
            instance -> probes.computeIfAbsent(instance.address(), a -> probesAnswerAtOnce
                    ? CompletableFuture.completedFuture(true) : new CompletableFuture<>()));

    private static final Instance WS_1 = new Instance("ws-service-8082", "127.0.0.1", 8082, 10);
    private static final Instance WS_2 = new Instance("ws-service-8092", "127.0.0.1", 8092, 11);
    private static final Instance API = new Instance("api-service-8081", "127.0.0.1", 8081, 12);

    @Test
    void notReadyUntilEveryRequiredServiceHasAPassingInstance() {
        assertThat(view.readiness().ready()).isFalse();
        assertThat(view.readiness().registry()).isEqualTo(Readiness.REGISTRY_UNAVAILABLE);

        listed();
        assertThat(view.readiness().ready()).isFalse();
        assertThat(view.readiness().services())
                .containsExactly(new Readiness.ServiceReadiness("ws-service", "unavailable", 0),
                        new Readiness.ServiceReadiness("api-service", "passing", 1));

        view.update("ws-service", List.of(WS_1));
        assertThat(view.readiness().ready()).isTrue();
        assertThat(view.readiness().registry()).isEqualTo(Readiness.REGISTRY_UP);
    }

    @Test
    void theIndexMovesOnlyWhenTheAnswerChanges() {
        listed(WS_1);
        long index = view.readiness().index();

        view.update("ws-service", List.of(new Instance("ws-service-8082", "127.0.0.1", 8082, 99)));
        assertThat(view.readiness().index()).isEqualTo(index);

        view.update("ws-service", List.of(WS_1, WS_2));
        assertThat(view.readiness().index()).isGreaterThan(index);
    }

    @Test
    void anInstanceUnderCheckIsNeitherRoutedNorCountedUntilAProbeSettlesIt() {
        listed(WS_1);
        long index = view.readiness().index();
        CompletableFuture<Readiness> waiting = view.nextReadiness(index);

        long probe = view.checking(WS_1.address());

        assertNotReadyRoutingNone();
        assertThat(waiting.join().ready()).as("long-polls hear it at once").isFalse();
        view.checking(WS_1.address());
        assertThat(view.readiness().index()).as("a second check of the same instance is no news").isEqualTo(index + 1);

        view.stillAccepts(WS_1.address(), probe);

        assertReadyRouting(WS_1);
    }

    @Test
    void anInstanceUnderCheckThatNoLongerAcceptsConnectionsIsTakenOut() {
        listed(WS_1);
        long before = view.checking(WS_1.address());
        long after = view.checking(WS_1.address());

        assertThat(view.suspect(WS_1.address(), "no answer", WS_1.healthIndex(), after)).isTrue();
        view.stillAccepts(WS_1.address(), before); // a slower probe of another session, started before the death

        assertNotReadyRoutingNone();
    }

    @Test
    void aCheckOverriddenByTheRegistryEndsWithTheDroppedVerdict() {
        listed(WS_1);
        long probe = view.checking(WS_1.address());
        Instance reported = new Instance(WS_1.id(), WS_1.host(), WS_1.port(), WS_1.healthIndex() + 5);
        view.update("ws-service", List.of(reported));

        assertThat(view.suspect(WS_1.address(), "no answer", WS_1.healthIndex(), probe)).isFalse();

        assertReadyRouting(reported);
    }

    /** SIGSTOP, then SIGCONT: probes begun while it was stopped fail late, after a newer one found it answering. */
    @Test
    void aProbeBegunBeforeANewerOneFoundTheInstanceAnsweringCannotTakeItOut() {
        listed(WS_1);
        long whileStopped = view.checking(WS_1.address());
        long afterResume = view.checking(WS_1.address());
        view.stillAccepts(WS_1.address(), afterResume);

        assertThat(view.suspect(WS_1.address(), "no answer", WS_1.healthIndex(), whileStopped)).isFalse();

        assertReadyRouting(WS_1);
    }

    @Test
    void aSiblingProbeBegunBeforeANewerOneFoundItAnsweringCannotTakeItOut() {
        probesAnswerAtOnce = false;
        listed(WS_1, WS_2);
        view.suspect(WS_1.address(), "killed"); // WS_2 is probed as a sibling, and its probe hangs
        long newer = view.checking(WS_2.address());
        view.stillAccepts(WS_2.address(), newer);

        probes.get(WS_2.address()).complete(false);

        assertReadyRouting(WS_2);
    }

    @Test
    void onlyAListedInstanceCanBeUnderCheck() {
        listed(WS_1);
        long index = view.readiness().index();

        view.checking("127.0.0.1:9999");

        assertThat(view.readiness().index()).isEqualTo(index);
        assertThat(view.readiness().ready()).isTrue();
    }

    @Test
    void aLongPollCompletesOnTheNextChangeAndAtOnceForAnOldIndex() {
        view.update("api-service", List.of(API));
        long index = view.readiness().index();

        CompletableFuture<Readiness> waiting = view.nextReadiness(index);
        assertThat(waiting).isNotDone();
        assertThat(view.nextReadiness(index - 1)).isCompleted();

        view.update("ws-service", List.of(WS_1));
        assertThat(waiting).isCompleted();
        assertThat(waiting.join().ready()).isTrue();
    }

    @Test
    void clientsWokenTogetherAreAskedToSpreadTheirConnectsALoneOneIsNot() {
        view.update("api-service", List.of(API));
        long index = view.readiness().index();
        List<CompletableFuture<Readiness>> crowd = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            crowd.add(view.nextReadiness(index));
        }

        view.update("ws-service", List.of(WS_1));

        assertThat(crowd).allMatch(w -> w.join().ready() && w.join().connectSpreadMillis() == 1000);
        CompletableFuture<Readiness> lone = view.nextReadiness(view.readiness().index());
        view.update("ws-service", List.of());
        assertThat(lone.join().connectSpreadMillis()).isZero();
        assertThat(view.connectSpread(10_000)).as("capped").isEqualTo(2000);
        assertThat(view.readiness().connectSpreadMillis()).as("a plain answer carries none").isZero();
    }

    @Test
    void theSpreadFollowsTheCapacityTheRoutableInstancesRegisteredAndTheScarcestServiceDecides() {
        Instance wsAt400 = new Instance(WS_1.id(), WS_1.host(), WS_1.port(), WS_1.healthIndex(), 400);
        Instance secondAt400 = new Instance(WS_2.id(), WS_2.host(), WS_2.port(), WS_2.healthIndex(), 400);
        view.update("api-service", List.of(API));
        view.update("ws-service", List.of(wsAt400));
        assertThat(view.connectSpread(200)).as("200 clients at 400/s").isEqualTo(500);
        assertThat(view.connectSpread(3)).as("rounded up to whole milliseconds").isEqualTo(8);

        view.update("ws-service", List.of(wsAt400, secondAt400));
        assertThat(view.connectSpread(200)).as("two instances take them twice as fast").isEqualTo(250);

        view.update("api-service", List.of(new Instance(API.id(), API.host(), API.port(), API.healthIndex(), 100)));
        assertThat(view.connectSpread(200)).as("api-service at 100/s is the scarcer one").isEqualTo(2000);
        assertThat(view.connectSpread(100_000)).as("capped").isEqualTo(2000);

        view.update("api-service", List.of(API));
        view.update("ws-service", List.of(wsAt400, WS_2));
        view.suspect(wsAt400.address(), "test: its socket dropped");
        assertThat(view.connectSpread(200)).as("a suspect's capacity does not count; the rest say nothing")
                .isEqualTo(1000);
    }

    @Test
    void anUnreachableRegistryKeepsTheLastInstancesForRoutingButSaysStaleAndNotReady() {
        listed(WS_1);

        view.unreachable("ws-service", "connection refused");

        Readiness readiness = view.readiness();
        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.stale()).isTrue();
        assertThat(readiness.registry()).isEqualTo(Readiness.REGISTRY_UNAVAILABLE);
        assertThat(readiness.services().get(0).passing()).isEqualTo(1);
        assertThat(view.routableInstances("ws-service")).containsExactly(WS_1);
    }

    @Test
    void aSuspectInstanceIsNeitherRoutedToNorCountedUntilTheRegistryReportsOnIt() {
        listed(WS_1, WS_2);

        view.suspect("127.0.0.1:8082", "its WebSocket ended without a close frame");
        assertThat(view.routableInstances("ws-service")).containsExactly(WS_2);
        assertThat(view.readiness().services().get(0).passing()).isEqualTo(1);

        view.update("ws-service", List.of(WS_1, WS_2)); // nothing new about WS_1
        assertThat(view.routableInstances("ws-service")).containsExactly(WS_2);

        Instance checkedAgain = new Instance(WS_1.id(), WS_1.host(), WS_1.port(), 50);
        view.update("ws-service", List.of(checkedAgain, WS_2));
        assertThat(view.routableInstances("ws-service")).containsExactly(checkedAgain, WS_2);
    }

    @Test
    void aLateVerdictIsDroppedWhenTheRegistryReportedTheInstancePassingMeanwhile() {
        listed(WS_1);
        long seenAt = view.healthIndexOf(WS_1.address()).orElseThrow();

        // While the probe ran, the registry said WS_1 is passing again (a frozen process resumed).
        Instance passingAgain = new Instance(WS_1.id(), WS_1.host(), WS_1.port(), WS_1.healthIndex() + 7);
        view.update("ws-service", List.of(passingAgain));
        assertThat(view.readiness().ready()).isTrue();

        view.suspect(WS_1.address(), "its WebSocket was aborted and it no longer accepts connections", seenAt);
        assertThat(view.readiness().ready()).as("readiness said ready on the registry's word; it stays so").isTrue();
        assertThat(view.routableInstances("ws-service")).containsExactly(passingAgain);

        view.suspect(WS_1.address(), "no close frame and no longer accepts connections", passingAgain.healthIndex());
        assertThat(view.routableInstances("ws-service")).as("a verdict about the current report counts").isEmpty();
    }

    @Test
    void whenOneInstanceFailsTheOthersAreKeptOutUntilAProbeSaysTheyStillAcceptConnections() {
        probesAnswerAtOnce = false;
        listed(WS_1, WS_2);

        view.suspect("127.0.0.1:8082", "its WebSocket ended without a close frame");
        assertThat(view.readiness().ready()).as("WS_2 not verified yet").isFalse();
        assertThat(view.routableInstances("ws-service")).isEmpty();

        probes.get("127.0.0.1:8092").complete(true);
        assertReadyRouting(WS_2);
    }

    @Test
    void aSiblingThatNoLongerAcceptsConnectionsIsSuspectToo() {
        probesAnswerAtOnce = false;
        listed(WS_1, WS_2);

        view.suspect("127.0.0.1:8082", "gone");
        probes.get("127.0.0.1:8092").complete(false);

        assertNotReadyRoutingNone();
        view.update("ws-service", List.of(new Instance(WS_2.id(), WS_2.host(), WS_2.port(), 77)));
        assertThat(view.routableInstances("ws-service")).as("news from the registry clears it").hasSize(1);
    }

    @Test
    void theOnlyInstanceTurningSuspectMakesReadinessNotReadyAtOnce() {
        listed(WS_1);
        CompletableFuture<Readiness> waiting = view.nextReadiness(view.readiness().index());

        view.suspect("127.0.0.1:8082", "gone");

        assertThat(waiting).isCompleted();
        assertThat(waiting.join().ready()).isFalse();
    }

    @Test
    void suspicionExpiresAfterTheTimeout() {
        listed(WS_1);
        view.suspect("127.0.0.1:8082", "gone");
        assertThat(view.readiness().ready()).isFalse();

        clock.advance(Duration.ofSeconds(11));

        assertReadyRouting(WS_1);
    }

    @Test
    void anInstanceThatLeftAndCameBackIsNoLongerSuspect() {
        listed(WS_1);
        view.suspect("127.0.0.1:8082", "gone");

        view.update("ws-service", List.of());
        view.update("ws-service", List.of(WS_1));

        assertThat(view.routableInstances("ws-service")).containsExactly(WS_1);
    }

    @Test
    void anUnknownAddressIsIgnored() {
        listed(WS_1);
        long index = view.readiness().index();

        view.suspect("10.0.0.1:1", "who?");

        assertThat(view.readiness().index()).isEqualTo(index);
    }

    @Test
    void longPollsAreWokenWithTheViewsMonitorReleased() {
        view.update("api-service", List.of(API));
        CompletableFuture<Readiness> waiting = view.nextReadiness(view.readiness().index());
        java.util.concurrent.atomic.AtomicReference<Boolean> lockHeld = new java.util.concurrent.atomic.AtomicReference<>();
        waiting.whenComplete((readiness, error) -> lockHeld.set(Thread.holdsLock(view)));

        view.update("ws-service", List.of(WS_1));

        assertThat(waiting).isCompleted();
        assertThat(lockHeld.get()).as("the monitor routing also takes was held while a request was answered").isFalse();
        assertThat(view.waiting()).isZero();
    }

    @Test
    void everyAnswerIsRecordedOnceInTheHistoryOldestFirstWithTheGatewaysTime() {
        long start = clock.millis();
        view.update("api-service", List.of(API));
        clock.advance(Duration.ofMillis(250));
        view.update("ws-service", List.of(WS_1));
        view.update("ws-service", List.of(WS_1)); // the same answer: no new entry
        clock.advance(Duration.ofMillis(250));
        view.suspect("127.0.0.1:8082", "gone");

        List<dev.reconnect.protocol.readiness.ReadinessChange> changes = view.changes();

        assertThat(changes).extracting(dev.reconnect.protocol.readiness.ReadinessChange::index)
                .isSorted().doesNotHaveDuplicates().endsWith(view.readiness().index());
        assertThat(changes.get(0).index()).isEqualTo(1);
        assertThat(changes.get(changes.size() - 2).ready()).isTrue();
        assertThat(changes.get(changes.size() - 2).at()).isEqualTo(start + 250);
        assertThat(changes.get(changes.size() - 1).ready()).isFalse();
        assertThat(changes.get(changes.size() - 1).at()).isEqualTo(start + 500);
    }

    @Test
    void theHistoryKeepsOnlyTheMostRecentChanges() {
        RegistryProperties defaults = RegistryProperties.defaults(List.of("ws-service"));
        RegistryView small = new RegistryView(new RegistryProperties(defaults.requiredServices(), defaults.watchWait(),
                defaults.retryDelay(), defaults.suspectTimeout(), defaults.connectSpreadPerClient(),
                defaults.maxConnectSpread(), defaults.maxWait(), defaults.maxWaiting(), defaults.maxWaitingPerAddress(), 3),
                clock, instance -> CompletableFuture.completedFuture(true));
        for (int i = 0; i < 10; i++) {
            small.update("ws-service", i % 2 == 0 ? List.of(WS_1) : List.of());
        }

        assertThat(small.changes()).hasSize(3);
        assertThat(small.changes().get(2).index()).isEqualTo(small.readiness().index());
        assertThat(small.changes().get(0).index()).isEqualTo(small.readiness().index() - 2);
    }

    /** The registry lists API as api-service and {@code ws} as ws-service, every one of them passing. */
    private void listed(Instance... ws) {
        view.update("api-service", List.of(API));
        view.update("ws-service", List.of(ws));
    }

    private void assertReadyRouting(Instance... ws) {
        assertThat(view.readiness().ready()).isTrue();
        assertThat(view.routableInstances("ws-service")).containsExactly(ws);
    }

    private void assertNotReadyRoutingNone() {
        assertThat(view.readiness().ready()).isFalse();
        assertThat(view.routableInstances("ws-service")).isEmpty();
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
