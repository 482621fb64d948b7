package dev.reconnect.gateway.routing;

import dev.reconnect.gateway.registry.Instance;
import dev.reconnect.gateway.registry.RegistryView;
import java.util.List;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

/**
 * Instances for the LoadBalancer straight from the live registry view: no 35 s cache, no critical
 * instance, no instance the gateway just saw fail.
 */
class LiveViewInstanceSupplier implements ServiceInstanceListSupplier {
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
        return Flux.defer(() -> Flux.just(view.routableInstances(serviceId).stream()
                .map(this::toServiceInstance)
                .toList()));
    }

    private ServiceInstance toServiceInstance(Instance instance) {
        return new DefaultServiceInstance(instance.id(), serviceId, instance.host(), instance.port(), false);
    }
}
