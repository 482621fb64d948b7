package dev.reconnect.ws.admission;

import dev.reconnect.protocol.RegistryMeta;
import java.util.HashMap;
import java.util.Map;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AdmissionConfiguration {

    /** The capacity goes into the registration itself, so every re-registration carries it too. */
    @Bean
    ConsulRegistrationCustomizer advertiseConnectsPerSecond(AdmissionProperties admission) {
        return registration -> {
            Map<String, String> meta = registration.getService().getMeta() == null ? new HashMap<>()
                    : new HashMap<>(registration.getService().getMeta());
            meta.put(RegistryMeta.CONNECTS_PER_SECOND, Integer.toString(admission.connectsPerSecond()));
            registration.getService().setMeta(meta);
        };
    }
}
