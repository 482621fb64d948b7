package dev.reconnect.gateway.registry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RegistryConfiguration {
    @Bean
    InstanceProber instanceProber() {
        return new HttpInstanceProber();
    }

    @Bean
    RegistryView registryView(RegistryProperties properties, InstanceProber prober) {
        return new RegistryView(properties, Clock.systemUTC(), prober);
    }

    /** Stable meter names: what readiness says, and how many passing instances each required service has. */
    @Bean
    MeterBinder readinessMeters(RegistryView view) {
        return registry -> {
            Gauge.builder("gateway.readiness.ready", view, v -> v.readiness().ready() ? 1 : 0)
                    .description("1 when every required service has a passing instance").register(registry);
            Gauge.builder("gateway.registry.stale", view, v -> v.readiness().stale() ? 1 : 0)
                    .description("1 while the registry cannot be reached and routing uses the last known instances")
                    .register(registry);
            for (String service : view.requiredServices()) {
                Gauge.builder("gateway.readiness.passing.instances", view, v -> v.routableInstances(service).size())
                        .tag("service", service)
                        .description("passing instances the gateway routes to").register(registry);
            }
        };
    }

    /**
     * Spring Cloud Consul's client settings (base URL from spring.cloud.consul.scheme/host/port/path,
     * TLS) and its discovery settings (ACL token, datacenters, query tags): one configuration for
     * registration, discovery and this watch.
     */
    @Bean
    ConsulHealthWatch consulHealthWatch(ConsulAutoConfiguration.ConsulClientSettings consul,
                                        ConsulDiscoveryProperties discovery, RegistryView view,
                                        RegistryProperties properties) {
        return new ConsulHealthWatch(ConsulHealthWatch.blockingClient(consul, properties.watchWait()), consul.baseUrl(),
                discovery, view, properties);
    }
}
