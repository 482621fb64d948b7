package dev.reconnect.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.gateway.registry.Instance;
import dev.reconnect.gateway.registry.RegistryProperties;
import dev.reconnect.gateway.registry.RegistryView;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;
import reactor.test.StepVerifier;

/** What the LoadBalancer gets: the live view's routable instances, held for a check's verdict. */
class LiveViewInstanceSupplierTest {
    private static final Instance WS_1 = new Instance("ws-service-8082", "127.0.0.1", 8082, 10);
    private static final Instance API = new Instance("api-service-8081", "127.0.0.1", 8081, 12);

    private final RegistryView view = new RegistryView(RegistryProperties.defaults(List.of("ws-service", "api-service")),
            Clock.systemUTC(), instance -> new CompletableFuture<>());
    private final LiveViewInstanceSupplier supplier = new LiveViewInstanceSupplier("ws-service", view);

    @Test
    void anUpgradeThatFindsTheInstanceUnderCheckIsRoutedToItOnceItAnswers() {
        view.update("api-service", List.of(API));
        view.update("ws-service", List.of(WS_1));
        long probe = view.checking(WS_1.address());

        CompletableFuture<List<ServiceInstance>> offered = supplier.get().next().toFuture();
        assertThat(offered).isNotDone();
        view.stillAccepts(WS_1.address(), probe);

        assertThat(offered.join()).extracting(ServiceInstance::getPort).containsExactly(8082);
    }

    @Test
    void withoutAVerdictInTimeItGetsWhatIsRoutableThenAndStopsWaiting() {
        view.update("api-service", List.of(API));
        view.update("ws-service", List.of(WS_1));
        view.checking(WS_1.address());

        StepVerifier.withVirtualTime(() -> supplier.get().next())
                .expectSubscription()
                .expectNoEvent(LiveViewInstanceSupplier.VERDICT_PATIENCE.minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(offered -> assertThat(offered).as("still under check: nothing, the upgrade is refused").isEmpty())
                .verifyComplete();
        assertThat(view.waitingForVerdict()).as("the timed-out wait is forgotten").isZero();
    }

    @Test
    void aRequestThatGoesAwayStopsWaiting() {
        view.update("api-service", List.of(API));
        view.update("ws-service", List.of(WS_1));
        view.checking(WS_1.address());

        supplier.get().subscribe().dispose();

        assertThat(view.waitingForVerdict()).isZero();
    }

    @Test
    void nothingUnderCheckIsAnsweredAtOnce() {
        view.update("api-service", List.of(API));
        view.update("ws-service", List.of(WS_1));

        StepVerifier.create(supplier.get().next())
                .assertNext(offered -> assertThat(offered).extracting(ServiceInstance::getPort).containsExactly(8082))
                .verifyComplete();
    }
}
