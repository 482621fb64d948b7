package dev.reconnect.support.registration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulServiceRegistry;
import org.springframework.context.annotation.Bean;

/**
 * Deliberately without ordering constraints or bean conditions: pinning this after Spring Cloud
 * Consul's auto-configuration reorders it so that its own auto-registration no longer matches.
 * The keeper looks its collaborators up once the service registers (or is ready) instead.
 */
@AutoConfiguration
@ConditionalOnClass(ConsulServiceRegistry.class)
@EnableConfigurationProperties(RegistrationProperties.class)
public class RegistrationKeeperAutoConfiguration {
    @Bean
    ReadinessReporter readinessReporter(ObjectProvider<ConsulClient> client,
                                        ObjectProvider<ConsulDiscoveryProperties> discovery,
                                        ObjectProvider<HealthEndpoint> health,
                                        ObjectProvider<ApplicationAvailability> availability,
                                        RegistrationProperties properties) {
        return new ReadinessReporter(client, discovery, health, availability, properties);
    }

    @Bean
    RegistrationKeeper registrationKeeper(ObjectProvider<ConsulClient> client,
                                          ObjectProvider<ConsulAutoRegistration> registration,
                                          ObjectProvider<ConsulDiscoveryProperties> discovery,
                                          ObjectProvider<ConsulProperties> consul, RegistrationProperties properties,
                                          ReadinessReporter readiness) {
        return new RegistrationKeeper(client, registration, discovery, consul, properties, readiness);
    }
}
