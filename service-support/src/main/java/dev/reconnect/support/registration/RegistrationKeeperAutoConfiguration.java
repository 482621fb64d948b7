package dev.reconnect.support.registration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.consul.serviceregistry.ConsulServiceRegistry;
import org.springframework.context.annotation.Bean;

@AutoConfiguration(after = ConsulAutoServiceRegistrationAutoConfiguration.class)
@ConditionalOnBean(ConsulAutoRegistration.class)
@EnableConfigurationProperties(RegistrationProperties.class)
public class RegistrationKeeperAutoConfiguration {
    @Bean
    RegistrationKeeper registrationKeeper(ConsulServiceRegistry registry, ConsulAutoRegistration registration,
                                          ConsulProperties consul, RegistrationProperties properties) {
        return new RegistrationKeeper(registry, registration, consul, properties);
    }
}
