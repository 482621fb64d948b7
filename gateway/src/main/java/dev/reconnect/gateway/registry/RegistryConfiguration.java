package dev.reconnect.gateway.registry;

import java.net.URI;
import java.time.Clock;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RegistryConfiguration {
    @Bean
    RegistryView registryView(RegistryProperties properties) {
        return new RegistryView(properties, Clock.systemUTC());
    }

    @Bean
    ConsulHealthWatch consulHealthWatch(ConsulProperties consul, RegistryView view, RegistryProperties properties) {
        String scheme = consul.getScheme() == null ? "http" : consul.getScheme();
        URI base = URI.create(scheme + "://" + consul.getHost() + ":" + consul.getPort());
        return new ConsulHealthWatch(base, view, properties);
    }
}
