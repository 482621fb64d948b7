package dev.reconnect.gateway.routing;

import dev.reconnect.gateway.registry.InstanceProber;
import dev.reconnect.gateway.registry.RegistryView;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.socket.client.WebSocketClient;

@Configuration(proxyBeanMethods = false)
@LoadBalancerClients(defaultConfiguration = LiveViewLoadBalancerConfiguration.class)
class RoutingConfiguration {
    /** Wraps the client the gateway proxies WebSockets with, whichever bean defines it. */
    @Bean
    static ClientConnections clientConnections() {
        return new ClientConnections();
    }

    @Bean
    ClientConnectionFilter clientConnectionFilter(ClientConnections connections) {
        return new ClientConnectionFilter(connections);
    }

    @Bean
    static BeanPostProcessor backendFailureDetection(ObjectProvider<RegistryView> view,
                                                     ObjectProvider<InstanceProber> prober,
                                                     ObjectProvider<MeterRegistry> meters,
                                                     ObjectProvider<ClientConnections> connections) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof WebSocketClient client && !(bean instanceof FailureDetectingWebSocketClient)) {
                    return new FailureDetectingWebSocketClient(client, view, prober, meters, connections);
                }
                return bean;
            }
        };
    }
}
