package dev.reconnect.gateway.registry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.URI;
import java.time.Clock;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RegistryConfiguration {
    @Bean
    InstanceProber instanceProber() {
        return new TcpInstanceProber();
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

    @Bean
    ConsulHealthWatch consulHealthWatch(ConsulProperties consul, RegistryView view, RegistryProperties properties) {
        String scheme = consul.getScheme() == null ? "http" : consul.getScheme();
        URI base = URI.create(scheme + "://" + consul.getHost() + ":" + consul.getPort());
        return new ConsulHealthWatch(base, view, properties);
    }
}
