package dev.reconnect.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * An upgrade that finds the only instances of a service under check waits for the verdict instead of being
 * refused: the soak saw a resumed (SIGCONT) ws-service put under check again and again, a few milliseconds each
 * time, as its stale connections ended, and clients that had just heard "ready" met 503s in between.
 */
class UnderCheckRoutingTest {
    private static final Instance WS_1 = new Instance("ws-service-8082", "127.0.0.1", 8082, 10);
    private static final Instance WS_2 = new Instance("ws-service-8092", "127.0.0.1", 8092, 11);
    private static final Instance API = new Instance("api-service-8081", "127.0.0.1", 8081, 12);

    private final RegistryView view = new RegistryView(RegistryProperties.defaults(List.of("ws-service", "api-service")),
            Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC),
            instance -> new CompletableFuture<>()); // sibling probes never settle here: only checking/verdicts do

    private void listed(Instance... ws) {
        view.update("api-service", List.of(API));
        view.update("ws-service", List.of(ws));
    }

    @Test
    void theOnlyInstanceUnderCheckIsRoutedToOnceAProbeFindsItAnswering() {
        listed(WS_1);
        long probe = view.checking(WS_1.address());

        CompletableFuture<List<Instance>> routable = view.routableInstancesOnceChecked("ws-service");
        assertThat(routable).as("held while the probe runs").isNotDone();
        assertThat(view.routableInstances("ws-service")).as("not routable meanwhile").isEmpty();

        view.stillAccepts(WS_1.address(), probe);

        assertThat(routable).isCompletedWithValue(List.of(WS_1));
        assertThat(view.waitingForVerdict()).isZero();
    }

    @Test
    void aVerdictThatItDoesNotAnswerEndsTheWaitWithNothingToRouteTo() {
        listed(WS_1);
        long seenAt = view.healthIndexOf(WS_1.address()).orElseThrow();
        long probe = view.checking(WS_1.address());
        CompletableFuture<List<Instance>> routable = view.routableInstancesOnceChecked("ws-service");

        view.suspect(WS_1.address(), "it does not answer", seenAt, probe);

        assertThat(routable).isCompletedWithValue(List.of());
    }

    @Test
    void nothingWaitsWhenAnotherInstanceIsRoutableOrNoneIsUnderCheck() {
        listed(WS_1, WS_2);
        view.checking(WS_1.address());
        assertThat(view.routableInstancesOnceChecked("ws-service")).isCompletedWithValue(List.of(WS_2));

        view.update("ws-service", List.of());
        assertThat(view.routableInstancesOnceChecked("ws-service")).as("none passing: refused at once")
                .isCompletedWithValue(List.of());
    }

    @Test
    void theRegistryDroppingTheInstanceEndsTheWaitToo() {
        listed(WS_1);
        view.checking(WS_1.address());
        CompletableFuture<List<Instance>> routable = view.routableInstancesOnceChecked("ws-service");

        view.update("ws-service", List.of());

        assertThat(routable).isCompletedWithValue(List.of());
    }

    @Test
    void aWaitGivenUpByItsCallerIsForgotten() {
        listed(WS_1);
        long probe = view.checking(WS_1.address());
        CompletableFuture<List<Instance>> abandoned = view.routableInstancesOnceChecked("ws-service");
        assertThat(view.waitingForVerdict()).isEqualTo(1);

        abandoned.cancel(false);

        assertThat(view.waitingForVerdict()).as("a cancelled wait is not kept until the verdict").isZero();
        view.stillAccepts(WS_1.address(), probe);
        assertThat(view.routableInstancesOnceChecked("ws-service")).isCompletedWithValue(List.of(WS_1));
    }
}
