package dev.reconnect.ws.log;

import java.util.Map;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalancerInterceptor;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.blocking.client.BlockingLoadBalancerClient;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;

/**
 * The beans of the context Spring Cloud LoadBalancer makes for each service it balances (here only
 * the log service): a supplier without the default discovery cache, and the sticky balancer in
 * place of round-robin. Deliberately not a {@code @Configuration}: component scanning must leave it
 * to the load balancer's child contexts.
 */
public class LogLoadBalancerConfiguration {

    @Bean
    LastAnsweredFallbackSupplier logInstanceSupplier(DiscoveryClient discovery, Environment environment) {
        return new LastAnsweredFallbackSupplier(LoadBalancerClientFactory.getName(environment), discovery);
    }

    @Bean
    StickyLoadBalancer logLoadBalancer(LastAnsweredFallbackSupplier instances) {
        return new StickyLoadBalancer(instances);
    }

    /**
     * A load-balanced RestClient builder for one service, with the same supplier and balancer, put
     * together without a Spring context: for a {@link LogClient} built by hand in tools and tests.
     */
    static RestClient.Builder standaloneBuilder(DiscoveryClient discovery, String serviceId) {
        StickyLoadBalancer balancer = new StickyLoadBalancer(new LastAnsweredFallbackSupplier(serviceId, discovery));
        BlockingLoadBalancerClient client = new BlockingLoadBalancerClient(new OneService(serviceId, balancer));
        return RestClient.builder().requestInterceptor(new LoadBalancerInterceptor(client));
    }

    /** What BlockingLoadBalancerClient asks a LoadBalancerClientFactory for, answered for one service. */
    private record OneService(String serviceId, StickyLoadBalancer balancer)
            implements ReactiveLoadBalancer.Factory<ServiceInstance> {

        @Override
        public LoadBalancerProperties getProperties(String service) {
            return new LoadBalancerProperties();
        }

        @Override
        public ReactiveLoadBalancer<ServiceInstance> getInstance(String service) {
            if (!serviceId.equals(service)) {
                throw new IllegalArgumentException("this client balances " + serviceId + " only, not " + service);
            }
            return balancer;
        }

        @Override
        public <X> Map<String, X> getInstances(String service, Class<X> type) {
            return serviceId.equals(service) && type.isInstance(balancer)
                    ? Map.of("logLoadBalancer", type.cast(balancer)) : Map.of();
        }

        @Override
        public <X> X getInstance(String service, Class<?> type, Class<?>... generics) {
            @SuppressWarnings("unchecked")
            X found = serviceId.equals(service) && type.isInstance(balancer) ? (X) balancer : null;
            return found;
        }
    }
}
