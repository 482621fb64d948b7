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
    void withoutAVerdictInTimeItGetsWhatIsRoutableThen() {
        view.update("api-service", List.of(API));
        view.update("ws-service", List.of(WS_1));
        view.checking(WS_1.address());

        List<ServiceInstance> offered = supplier.get().next()
                .block(LiveViewInstanceSupplier.VERDICT_PATIENCE.plus(Duration.ofSeconds(5)));

        assertThat(offered).as("still under check: nothing, so the upgrade is refused as before").isEmpty();
    }
}
