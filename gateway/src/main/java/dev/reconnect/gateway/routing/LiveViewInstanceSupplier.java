package dev.reconnect.gateway.routing;

import dev.reconnect.gateway.registry.HttpInstanceProber;
import dev.reconnect.gateway.registry.Instance;
import dev.reconnect.gateway.registry.RegistryView;
import java.time.Duration;
import java.util.List;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Instances for the LoadBalancer straight from the live registry view: no 35 s cache, no critical
 * instance, no instance the gateway just saw fail. When the only instances are under check (a connection
 * to them ended without a close frame, a probe is on its way), the request waits for the verdict rather
 * than being refused at once: a client that heard "ready" a moment before must not meet a 503 because a
 * stale connection of a live instance ended.
 */
class LiveViewInstanceSupplier implements ServiceInstanceListSupplier {
    /** Longer than a probe can take (its connect and answer bounds), so the verdict comes first. */
    static final Duration VERDICT_PATIENCE = HttpInstanceProber.CONNECT_TIMEOUT.plus(HttpInstanceProber.ANSWER_TIMEOUT)
            .plusMillis(500);

    private final String serviceId;
    private final RegistryView view;

    LiveViewInstanceSupplier(String serviceId, RegistryView view) {
        this.serviceId = serviceId;
        this.view = view;
    }

    @Override
    public String getServiceId() {
        return serviceId;
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
        return Mono.defer(() -> Mono.fromFuture(view.routableInstancesOnceChecked(serviceId)))
                .timeout(VERDICT_PATIENCE, Mono.fromSupplier(() -> view.routableInstances(serviceId)))
                .map(instances -> instances.stream().map(this::toServiceInstance).toList())
                .flux();
    }

    private ServiceInstance toServiceInstance(Instance instance) {
        return new DefaultServiceInstance(instance.id(), serviceId, instance.host(), instance.port(), false);
    }
}
