package dev.reconnect.gateway.edge;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class EdgeConfiguration {
    @Bean
    OriginCheckFilter originCheckFilter(EdgeProperties properties, MeterRegistry meters) {
        return new OriginCheckFilter(new OriginPolicy(properties.allowedOrigins()), meters);
    }
}
