package dev.reconnect.gateway.routing;

import dev.reconnect.gateway.registry.Instance;
import dev.reconnect.gateway.registry.RegistryView;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Instances for the LoadBalancer straight from the live registry view: no 35 s cache, no critical
 * instance, no instance the gateway just saw fail. When the only instances are under check (a connection
 * to them ended without a close frame, a probe is on its way), the request waits for the verdict rather
 * than being refused at once: a client that heard "ready" a moment before must not meet a 503 because a
 * stale connection of a live instance ended.
 */
class LiveViewInstanceSupplier implements ServiceInstanceListSupplier {
    /** Longer than a check can take (a probe that has not answered by then counts as "does not answer"). */
    static final Duration VERDICT_PATIENCE = FailureDetectingWebSocketClient.VERDICT_TIMEOUT.plusMillis(500);

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
        return Flux.defer(() -> {
            CompletableFuture<List<Instance>> routable = view.routableInstancesOnceChecked(serviceId);
            if (routable.isDone()) {
                return Flux.just(toServiceInstances(routable.join())); // nothing under check: the common case
            }
            // Resumed on a scheduler of its own, not on the thread that settled the check (the registry watch,
            // a probe, the JDK's delay scheduler): a crowd of held upgrades must not run its routing there.
            return Mono.fromFuture(routable)
                    .publishOn(Schedulers.parallel())
                    .timeout(VERDICT_PATIENCE, Mono.fromSupplier(() -> view.routableInstances(serviceId)))
                    .map(this::toServiceInstances)
                    .flux();
        });
    }

    private List<ServiceInstance> toServiceInstances(List<Instance> instances) {
        return instances.stream().map(this::toServiceInstance).toList();
    }

    private ServiceInstance toServiceInstance(Instance instance) {
        return new DefaultServiceInstance(instance.id(), serviceId, instance.host(), instance.port(), false);
    }
}
