package dev.reconnect.gateway.readiness;

import dev.reconnect.gateway.registry.RegistryProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ReadinessConfiguration {
    @Bean
    LongPollSlots longPollSlots(RegistryProperties properties, MeterRegistry meters) {
        return new LongPollSlots(properties.maxWaiting(), properties.maxWaitingPerAddress(), meters);
    }
}
