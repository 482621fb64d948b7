package dev.reconnect.gateway.routing;

import dev.reconnect.gateway.registry.RegistryView;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** Per-service LoadBalancer configuration (not a component: the LoadBalancer instantiates it per child context). */
public class LiveViewLoadBalancerConfiguration {
    @Bean
    ServiceInstanceListSupplier liveViewInstanceSupplier(Environment environment, RegistryView view) {
        return new LiveViewInstanceSupplier(environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME), view);
    }
}
