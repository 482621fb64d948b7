package dev.reconnect.support.registration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulServiceRegistry;
import org.springframework.context.annotation.Bean;

/**
 * Deliberately without ordering constraints or bean conditions: pinning this after Spring Cloud
 * Consul's auto-configuration reorders it so that its own auto-registration no longer matches.
 * The keeper looks its collaborators up once the application is ready instead.
 */
@AutoConfiguration
@ConditionalOnClass(ConsulServiceRegistry.class)
@EnableConfigurationProperties(RegistrationProperties.class)
public class RegistrationKeeperAutoConfiguration {
    @Bean
    RegistrationKeeper registrationKeeper(ObjectProvider<ConsulServiceRegistry> registry,
                                          ObjectProvider<ConsulAutoRegistration> registration,
                                          ObjectProvider<ConsulProperties> consul, RegistrationProperties properties) {
        return new RegistrationKeeper(registry, registration, consul, properties);
    }
}
