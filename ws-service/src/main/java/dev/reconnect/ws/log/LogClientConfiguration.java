package dev.reconnect.ws.log;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.restclient.autoconfigure.RestClientBuilderConfigurer;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * api-service is reached through Spring Cloud LoadBalancer: requests to {@code http://<service name>}
 * go to an instance that {@link StickyLoadBalancer} picks from {@link LastAnsweredFallbackSupplier}'s
 * list. Both replace the defaults of every balanced service of this application, which is only the
 * log service, whose name comes from {@code ws.log-service} and so cannot be named in an annotation.
 */
@Configuration(proxyBeanMethods = false)
@LoadBalancerClients(defaultConfiguration = LogLoadBalancerConfiguration.class)
public class LogClientConfiguration {

    /** Boot's usual customizations (observations, converters); the load balancer adds its interceptor. */
    @Bean
    @LoadBalanced
    RestClient.Builder loadBalancedRestClientBuilder(ObjectProvider<RestClientBuilderConfigurer> configurer) {
        return configurer.getIfAvailable(RestClientBuilderConfigurer::new).configure(RestClient.builder());
    }
}
